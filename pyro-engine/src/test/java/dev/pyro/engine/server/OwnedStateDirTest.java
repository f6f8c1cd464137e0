package dev.pyro.engine.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pyro.api.PyroException;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.config.OwnedPaths;
import dev.pyro.engine.config.PyroPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A state or cache dir another local user made in advance is refused, and no symlink in the state
 * dir is followed: before, root's engine chmod'ed such a dir and appended its log through the
 * other user's {@code engine.log} symlink onto a root-owned file.
 */
class OwnedStateDirTest {

    private static final int NOBODY = 65534;

    Path tmp;

    @BeforeEach
    void setUp() throws Exception {
        tmp = Files.createTempDirectory("pyro-owned-");
    }

    @AfterEach
    void tearDown() throws Exception {
        FileTrees.deleteRecursively(tmp);
    }

    @Test
    void aStateDirOfAnotherUserIsRefusedAndLeftAsItWas() throws Exception {
        assumeRoot();
        Path state = Files.createDirectory(tmp.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(state, "unix:uid", NOBODY);
        assertThatThrownBy(() -> new EngineFiles(state).prepareStateDir())
                .isInstanceOf(PyroException.class)
                .hasMessage("the state dir " + state + " is owned by uid 65534, not by you (uid 0), so that user "
                        + "could redirect pyro's writes; remove it or set PYRO_STATE_DIR to a directory of your own");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwxr-xr-x");

        // a symlink of another user naming our own dir is refused as well
        Path mine = Files.createDirectory(tmp.resolve("mine"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), mine);
        Files.setAttribute(link, "unix:uid", NOBODY, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        assertThatThrownBy(() -> new EngineFiles(link).prepareStateDir())
                .hasMessageContaining("the state dir (a symlink) " + link + " is owned by uid 65534");
    }

    @Test
    void aCacheDirOfAnotherUserIsRefusedButRootsIsTrusted() throws Exception {
        assumeRoot();
        Path cache = Files.createDirectory(tmp.resolve("cache"));
        Files.setAttribute(cache, "unix:uid", NOBODY);
        PyroPaths paths = new PyroPaths(cache, tmp.resolve("state"), cache.resolve("environments"));
        assertThatThrownBy(() -> EngineFiles.checkCacheDirs(paths))
                .hasMessageContaining("the cache dir " + cache + " is owned by uid 65534")
                .hasMessageContaining("PYRO_CACHE_DIR");
        Files.setAttribute(cache, "unix:uid", 0);
        EngineFiles.checkCacheDirs(paths);
        assertThat(cache.resolve("environments")).isDirectory();
    }

    @Test
    void aStateDirInADirectoryOthersMayWriteIsRefused() throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path state = open.resolve("state");
        assertThatThrownBy(() -> new EngineFiles(state).prepareStateDir())
                .hasMessageContaining("is in " + open.toRealPath() + ", which another user can change");
        Files.setAttribute(open, "unix:mode", 01777); // sticky, like /tmp: others cannot rename our entries
        new EngineFiles(state).prepareStateDir();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state))).isEqualTo("rwx------");
    }

    @Test
    void symlinksInTheStateDirAreNeverFollowed() throws Exception {
        Path state = tmp.resolve("state");
        EngineFiles files = new EngineFiles(state);
        files.prepareStateDir();
        Path victim = Files.writeString(tmp.resolve("victim"), "root's file\n");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(files.log(), victim);
        Files.createSymbolicLink(files.lock(), victim);

        assertThatThrownBy(() -> EngineLog.open(files.log()))
                .hasMessage(files.log() + " is a symlink or not a regular file; pyro never follows links in its "
                        + "state dir. Remove it (rm " + files.log() + ") and check who put it there");
        assertThatThrownBy(() -> EngineLock.tryAcquire(files.lock())).hasMessageContaining("is a symlink");
        assertThat(victim).hasContent("root's file");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim))).isEqualTo("rw-r--r--");

        Files.delete(files.log());
        EngineLog log = EngineLog.open(files.log());
        log.info("hello");
        assertThat(Files.readString(files.log())).contains("INFO").contains("hello");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.log()))).isEqualTo("rw-------");
    }

    @Test
    void aFileOfAnotherUserInTheStateDirIsRefused() throws Exception {
        assumeRoot();
        EngineFiles files = new EngineFiles(tmp.resolve("state"));
        files.prepareStateDir();
        Files.writeString(files.log(), "");
        Files.setAttribute(files.log(), "unix:uid", NOBODY);
        assertThatThrownBy(() -> EngineLog.open(files.log()))
                .hasMessageContaining("is owned by uid 65534, not by you (uid 0)");
    }

    private static void assumeRoot() {
        assumeTrue(OwnedPaths.currentUid() == 0, "needs root to chown a dir to another user");
    }
}
