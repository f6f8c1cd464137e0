package dev.pyro.engine.host;

import dev.pyro.engine.process.HostCommand;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finding host programs and asking them their version. */
public final class HostTools {

    private HostTools() {
    }

    /** The program on PATH (or in /usr/sbin, /sbin, which non-root PATHs often lack). */
    /** Whether this process runs as uid 0 (what overlay mounts, TAP devices and nftables need). */
    public static boolean isRoot() {
        try {
            return "0".equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString());
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    public static Optional<Path> which(String program) {
        String pathVar = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : (pathVar + File.pathSeparator + "/usr/sbin:/sbin").split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The first output line of {@code program args...}, or empty if it fails to run. */
    public static Optional<String> firstLine(List<String> argv) {
        try {
            HostCommand.Result result = HostCommand.of(argv).runAllowingFailure();
            return result.exitCode() == 0 && !result.lines().isEmpty()
                    ? Optional.of(result.lines().get(0).trim())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
