package dev.pyro.engine.vms;

/** The result of {@code exec_vm} / {@code run_in_vm}; the VM is gone afterwards ({@code cleanup}). */
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
        Cleanup cleanup) {

    public record Cleanup(String vmId, boolean deleted, String reason) {
    }
}
