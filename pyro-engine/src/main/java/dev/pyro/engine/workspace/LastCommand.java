package dev.pyro.engine.workspace;

/** The most recent command of a workspace, as kept in its record. */
public record LastCommand(int sequence, String command, String cwd, int exitCode, long durationMs,
                          String executionMode) {
}
