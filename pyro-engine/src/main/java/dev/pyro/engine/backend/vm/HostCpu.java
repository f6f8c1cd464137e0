package dev.pyro.engine.backend.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host TSC rate for {@code tsc_early_khz=}: under TCG the guest cannot calibrate its clock
 * quickly, and telling it the rate saves boot time.
 */
final class HostCpu {

    private static final long FALLBACK_KHZ = 2_000_000;

    private HostCpu() {
    }

    static long tscKhz() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("cpu MHz")) {
                    double mhz = Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                    return Math.round(mhz * 1000);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return FALLBACK_KHZ;
    }
}
