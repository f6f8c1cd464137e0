package dev.pyro.api.vm;

/**
 * The result of {@code exec_vm} / {@code run_in_vm}; the VM is gone afterwards ({@code cleanup}).
 * {@code privilege}: {@code root} or {@code rootless}, how the engine ran the sandbox (limits differ).
 */
public record VmExecResult(
        String vmId,
        String environment,
        String environmentVersion,
        String command,
        String stdout,
        String stderr,
        int exitCode,
        long durationMs,
        String backend,
        String executionMode,
        String privilege,
        Cleanup cleanup) {

    public record Cleanup(String vmId, boolean deleted, String reason) {
    }
}
