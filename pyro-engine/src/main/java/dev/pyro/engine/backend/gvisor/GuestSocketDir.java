package dev.pyro.engine.backend.gvisor;

import dev.pyro.engine.backend.HostMounts;
import dev.pyro.engine.process.HostCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The one host directory a gVisor guest may write: where its agent creates the socket the engine
 * dials ({@code --host-uds=create} makes the gofer bind a real host socket there). The guest is
 * root in its sandbox and can put anything in that directory, so it is a tiny tmpfs of its own
 * ({@value #SIZE}, {@value #INODES} inodes): a guest can fill it, never the host's disks. The
 * sandbox's console (runsc's stdout and stderr, which root in the guest can write through
 * {@code /proc/1/fd/1}) goes to the same tmpfs for the same reason; its tail is kept at stop.
 * Only its subdirectory {@code g} is bound into the guest ({@code /run/pyro-host}); the engine
 * never opens a path the guest chose there: it hard-links the socket entry into the private
 * sibling directory {@code e} (link(2) takes the entry itself, never a symlink's target), checks the
 * link is a socket, and dials the link (see {@link dev.pyro.engine.backend.AgentSockets}).
 */
public final class GuestSocketDir {

    /** Under the sandbox's work dir: the tmpfs mount point (names are short: a socket path has at most 107 bytes). */
    static final String MOUNT = "sock";
    static final String SIZE = "1m";
    static final String INODES = "32";

    private GuestSocketDir() {
    }

    static Path mountPoint(Path workDir) {
        return workDir.resolve(MOUNT);
    }

    /** The directory bound into the guest at {@link OciBundle#GUEST_HOST_DIR}. */
    static Path guestDir(Path workDir) {
        return mountPoint(workDir).resolve("g");
    }

    static Path socket(Path workDir) {
        return guestDir(workDir).resolve("agent.sock");
    }

    /** Mounts the tmpfs if it is not mounted (first start, or after a host reboot), with its two dirs. */
    static void mount(Path workDir) throws IOException, InterruptedException {
        Path mount = mountPoint(workDir);
        if (!HostMounts.isMountPoint(mount)) {
            Files.createDirectories(mount);
            HostCommand.of("mount", "-t", "tmpfs", "-o",
                    "size=" + SIZE + ",nr_inodes=" + INODES + ",mode=0700,nosuid,nodev,noexec",
                    "pyro-guest-socket", mount.toString()).run();
        }
        Path guest = guestDir(workDir);
        Files.createDirectories(guest);
        Files.setPosixFilePermissions(guest, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path engine = Files.createDirectories(mountPoint(workDir).resolve("e"));
        Files.setPosixFilePermissions(engine, PosixFilePermissions.fromString("rwx------"));
    }

    /** Where runsc's output goes while the sandbox runs (not in the guest's half). */
    static Path liveConsole(Path workDir) {
        return mountPoint(workDir).resolve("console.log");
    }

    /** Keeps the live console's last {@code CONSOLE_KEPT} bytes as {@code console.log} in the work dir. */
    static void saveConsole(Path workDir) {
        Path live = liveConsole(workDir);
        if (!Files.isRegularFile(live, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(live,
                java.nio.file.StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            long from = Math.max(0, in.size() - CONSOLE_KEPT);
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate((int) (in.size() - from));
            while (tail.hasRemaining() && in.read(tail, from + tail.position()) > 0) {
                // read the tail
            }
            Path saved = workDir.resolve("console.log");
            Path tmp = workDir.resolve("console.log.tmp");
            Files.write(tmp, java.util.Arrays.copyOf(tail.array(), tail.position()));
            Files.move(tmp, saved, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // the log is for people; losing it must not stop a stop
        }
    }

    private static final long CONSOLE_KEPT = 256 << 10;

    static boolean mounted(Path workDir) throws IOException {
        return HostMounts.isMountPoint(mountPoint(workDir));
    }

    /** Unmounts it (whatever the guest left there goes with it); not mounted is fine. */
    static void unmount(Path workDir) throws IOException, InterruptedException {
        if (mounted(workDir)) {
            HostMounts.unmountOrDetach(mountPoint(workDir));
        }
    }
}
