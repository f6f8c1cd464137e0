package dev.pyro.engine.backend;

import dev.pyro.engine.process.HostCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** Mount points of this host (gVisor sandboxes mount an overlay as their root). */
public final class HostMounts {

    private HostMounts() {
    }

    public static boolean isMountPoint(Path dir) throws IOException {
        return mountsUnder(dir).contains(dir.toAbsolutePath().toString());
    }

    /**
     * Unmounts {@code point}; while it is busy, tries again for up to {@code BUSY_WAIT}, then
     * detaches it lazily ({@code umount -l}: gone from the tree at once, freed when its last user
     * lets go). For mounts whose content no longer matters (a sandbox's socket tmpfs, a read-only
     * bind): a runsc process killed a moment ago can still hold the socket or its console for a few
     * milliseconds, and the delete then failed with "Device or resource busy" (cold CI run,
     * 2026-12-07, under load).
     */
    public static void unmountOrDetach(Path point) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + BUSY_WAIT_NANOS;
        while (isMountPoint(point)) {
            HostCommand.of("umount", point.toString()).runAllowingFailure();
            if (!isMountPoint(point)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                HostCommand.of("umount", "-l", point.toString()).runAllowingFailure();
                return;
            }
            Thread.sleep(20);
        }
    }

    private static final long BUSY_WAIT_NANOS = 2_000_000_000L;

    /** Unmounts everything at or below {@code dir}, deepest first; true when nothing is left. */
    public static boolean unmountAllUnder(Path dir) throws IOException, InterruptedException {
        for (String mount : mountsUnder(dir).stream().sorted(Comparator.reverseOrder()).toList()) {
            HostCommand.of("umount", mount).runAllowingFailure();
        }
        return mountsUnder(dir).isEmpty();
    }

    private static List<String> mountsUnder(Path dir) throws IOException {
        String root = dir.toAbsolutePath().toString();
        return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                .map(line -> line.split(" "))
                .filter(fields -> fields.length > 1)
                .map(fields -> fields[1].replace("\\040", " "))
                .filter(point -> point.equals(root) || point.startsWith(root + "/"))
                .toList();
    }
}
