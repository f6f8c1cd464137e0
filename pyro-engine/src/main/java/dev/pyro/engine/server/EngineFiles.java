package dev.pyro.engine.server;

import dev.pyro.api.PyroException;
import dev.pyro.engine.config.OwnedPaths;
import dev.pyro.engine.config.PyroPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Where the engine of one state dir keeps its socket, lock, pid and log. The state dir is owner-only:
 * the socket in it is the engine's only access control, and every client of this user can reach it.
 */
public record EngineFiles(Path stateDir) {

    /** {@code sun_path} holds 108 bytes including the terminating NUL. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;
    static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    public Path socket() {
        return stateDir.resolve("engine.sock");
    }

    public Path lock() {
        return stateDir.resolve("engine.lock");
    }

    public Path pid() {
        return stateDir.resolve("engine.pid");
    }

    public Path log() {
        return stateDir.resolve("engine.log");
    }

    /** Creates the state dir if needed and makes it owner-only (also when an older pyro made it 0755). */
    public void prepareStateDir() {
        OwnedPaths.requireOwnedDir(stateDir, "the state dir", "PYRO_STATE_DIR", false);
        try {
            Files.setPosixFilePermissions(stateDir, OWNER_DIR);
        } catch (IOException e) {
            throw PyroException.runtime("cannot prepare the state dir " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** The cache dirs the engine builds into and reads from must be this user's (or root's). */
    public static void checkCacheDirs(PyroPaths paths) {
        OwnedPaths.requireOwnedDir(paths.cacheDir(), "the cache dir", "PYRO_CACHE_DIR", true);
        OwnedPaths.requireOwnedDir(paths.environmentCacheDir(), "the environment cache dir",
                "PYRO_ENVIRONMENT_CACHE_DIR", true);
    }

    public void checkSocketPath() {
        if (socket().toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw PyroException.invalid("the state dir path is too long for the engine's Unix socket ("
                    + socket() + "); set PYRO_STATE_DIR to a shorter path");
        }
    }

    /**
     * Creates (or keeps) a file readable by its owner only. An existing one must be a regular file
     * of this user: a symlink there is refused, never followed (the chmod below would follow it).
     */
    static void ownerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE)); // O_EXCL: no link followed
        } catch (FileAlreadyExistsException e) {
            // made by an earlier or a racing engine or client: check it, then tighten it all the same
            OwnedPaths.requireOwnedFileIfPresent(file);
        }
        Files.setPosixFilePermissions(file, OWNER_FILE);
    }

    /** The pid in {@code engine.pid}, or 0 when there is none. */
    long readPid() {
        try {
            String text = Files.readString(pid()).trim();
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
