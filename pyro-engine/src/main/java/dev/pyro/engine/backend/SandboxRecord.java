package dev.pyro.engine.backend;

import java.nio.file.Path;
import java.util.Map;

/**
 * What must survive the engine to find a sandbox again: its backend, files, the host socket its
 * guest agent is reached on, and the pid of the process that holds it (QEMU, runsc, the host agent).
 * {@code pid} is 0 before start.
 */
public record SandboxRecord(
        String id,
        String backend,
        String executionMode,
        Path workDir,
        Path agentSocket,
        long pid,
        Map<String, String> metadata) {

    public SandboxRecord withPid(long newPid) {
        return new SandboxRecord(id, backend, executionMode, workDir, agentSocket, newPid, metadata);
    }
}
