package dev.pyro.engine.config;

import dev.pyro.api.PyroException;
import dev.pyro.engine.host.HostPrivilege;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The state and cache dirs, and the engine's files in them, must belong to the user running pyro:
 * a dir another local user made in advance (say under /tmp, for a PYRO_STATE_DIR they guessed) lets
 * that user plant symlinks, so root's engine would chmod or append through them onto any file. So
 * such a dir is refused with the fix, and no symlink there is ever followed.
 */
public final class OwnedPaths {

    private static final int ROOT = 0;
    /** What an id outside a user namespace's map looks like inside it (the kernel's overflowuid). */
    private static final int UNMAPPED = 65534;

    private OwnedPaths() {
    }

    /** The uid this process runs as (the owner of its /proc entry). */
    public static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            throw PyroException.runtime("cannot tell which user pyro runs as: " + e.getMessage(), e);
        }
    }

    /**
     * Creates {@code dir} (owner-only when new, for a state dir; with the umask's mode otherwise, as
     * caches always were) and checks it: it, a symlink naming it, and its parent must belong to this
     * user ({@code rootMayOwn}: or to root, e.g. a shared read-only environment cache), and no other
     * user may write to it.
     *
     * @param what   how the error names it, e.g. "the state dir"
     * @param envVar the variable that moves it, for the fix
     */
    public static void requireOwnedDir(Path dir, String what, String envVar, boolean rootMayOwn) {
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    if (rootMayOwn) {
                        Files.createDirectories(dir);
                    } else {
                        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rwx------")));
                    }
                } catch (FileAlreadyExistsException e) {
                    // made meanwhile: checked below like any existing one
                }
            }
            int me = currentUid();
            if (Files.isSymbolicLink(dir)) {
                checkOwner(dir, uid(dir, false), me, rootMayOwn, what + " (a symlink)", envVar);
            }
            Path real = dir.toRealPath();
            if (!Files.isDirectory(real)) {
                throw PyroException.invalid(what + " " + dir + " is not a directory; remove it or set " + envVar
                        + " to a directory of your own");
            }
            checkOwner(dir, uid(real, true), me, rootMayOwn, what, envVar);
            int mode = mode(real);
            if ((mode & 0022) != 0 && (mode & 01000) == 0) {
                throw PyroException.invalid(what + " " + dir + " is writable by other users (mode "
                        + Integer.toOctalString(mode & 07777) + "); fix it with: chmod go-w " + real);
            }
            Path parent = real.getParent();
            if (parent != null) {
                int parentOwner = uid(parent, true);
                int parentMode = mode(parent);
                boolean othersMayRename = (parentMode & 0022) != 0 && (parentMode & 01000) == 0;
                if ((parentOwner != me && !hostRoot(parentOwner)) || othersMayRename) {
                    throw PyroException.invalid(what + " " + dir + " is in " + parent + ", which another user can "
                            + "change (owner uid " + parentOwner + ", mode " + Integer.toOctalString(parentMode & 07777)
                            + "); set " + envVar + " to a directory inside one of your own");
                }
            }
        } catch (IOException e) {
            throw PyroException.runtime("cannot check " + what + " " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks a file pyro keeps in its own dir (log, pid, lock): it must be a regular file of this
     * user, never a symlink. Absent is fine.
     */
    public static void requireOwnedFileIfPresent(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isSymbolicLink(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw PyroException.invalid(file + " is a symlink or not a regular file; pyro never follows links in "
                    + "its state dir. Remove it (rm " + file + ") and check who put it there");
        }
        int owner = uid(file, false);
        if (owner != currentUid()) {
            throw PyroException.invalid(file + " is owned by uid " + owner + ", not by you (uid " + currentUid()
                    + "); remove it (rm " + file + ") and check who put it there");
        }
    }

    private static void checkOwner(Path dir, int owner, int me, boolean rootMayOwn, String what, String envVar) {
        if (owner != me && !(rootMayOwn && hostRoot(owner))) {
            throw PyroException.invalid(what + " " + dir + " is owned by uid " + owner + ", not by you (uid " + me
                    + "), so that user could redirect pyro's writes; remove it or set " + envVar
                    + " to a directory of your own");
        }
    }

    /**
     * Whether {@code owner} may be the host's root. Inside an ordinary user's namespace (the engine
     * daemon of a rootless user) uid 0 is the user and the host's root shows as the unmapped id, as
     * does any other host account: the client checked the same dirs outside with the real ids just
     * before it started the engine (EngineLauncher), so the engine accepts the unmapped id here.
     */
    private static boolean hostRoot(int owner) {
        return HostPrivilege.current() == HostPrivilege.USER_NAMESPACE ? owner == UNMAPPED : owner == ROOT;
    }

    private static int uid(Path path, boolean follow) throws IOException {
        return (Integer) (follow ? Files.getAttribute(path, "unix:uid")
                : Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    }

    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode");
    }
}
