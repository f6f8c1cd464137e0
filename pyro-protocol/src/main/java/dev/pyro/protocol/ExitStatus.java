package dev.pyro.protocol;

/**
 * How a process ended.
 *
 * @param exitCode the exit code, or null if a signal killed it
 * @param signal the signal number that killed it, or null
 * @param signalName e.g. "KILL", or null
 * @param truncated output beyond output_limit_bytes was discarded
 * @param stdoutBytes total stdout bytes the process produced (including discarded ones)
 * @param stderrBytes total stderr bytes the process produced
 */
public record ExitStatus(int processId, long pid, Integer exitCode, Integer signal, String signalName,
                         boolean coreDumped, boolean truncated, long stdoutBytes, long stderrBytes,
                         long durationMs) {
    public boolean success() {
        return exitCode != null && exitCode == 0;
    }

    /** The shell convention: the exit code, or 128 + signal. */
    public int shellCode() {
        return exitCode != null ? exitCode : 128 + (signal == null ? 0 : signal);
    }
}
