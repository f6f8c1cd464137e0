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
