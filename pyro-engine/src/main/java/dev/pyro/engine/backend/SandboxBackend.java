package dev.pyro.engine.backend;

import java.io.IOException;
import java.time.Duration;

/**
 * One way of running sandboxes (QEMU microVM, gVisor, or the unisolated host). Every backend runs
 * the same guest agent and exposes it on a host Unix socket, so everything above this interface
 * (exec, files, timeouts, limits) is the same code for all of them.
 */
public interface SandboxBackend {

    /** {@code vm}, {@code gvisor} or {@code host}: a {@link dev.pyro.api.state.BackendName}'s value, as records hold it. */
    String name();

    /**
     * {@code guest_vm}, {@code guest_gvisor} or {@code host_compat}: a
     * {@link dev.pyro.api.state.ExecutionMode}'s value, reported in every result.
     */
    String executionMode();

    /** Prepares the sandbox's files in {@code request.workDir()}; nothing runs yet. */
    SandboxRecord create(SandboxRequest request) throws IOException, InterruptedException;

    /**
     * Boots the sandbox and returns once its agent socket accepts connections (the caller then
     * handshakes). A guest that is not ready within {@code readyTimeout} is stopped and reported.
     */
    SandboxRecord start(SandboxRecord sandbox, Duration readyTimeout) throws IOException, InterruptedException;

    /** Whether the sandbox's process is still running (used to re-adopt after an engine restart). */
    boolean isRunning(SandboxRecord sandbox);

    /** A running sandbox paused on its host side (a full disk) is resumed if it can go on. */
    default SandboxStall resumeIfStalled(SandboxRecord sandbox) {
        return SandboxStall.NONE;
    }

    /** Why the engine itself ended this sandbox (gVisor: over its memory), or null. */
    default String stoppedReason(SandboxRecord sandbox) {
        return null;
    }

    /** Stops it (gracefully, then by force); its files stay. */
    SandboxRecord stop(SandboxRecord sandbox) throws IOException, InterruptedException;

    /** Stops it if needed and removes all its files and mounts. */
    void delete(SandboxRecord sandbox) throws IOException, InterruptedException;
}
