package dev.pyro.api.workspace;

/** The most recent command of a workspace, as kept in its record. */
public record LastCommand(int sequence, String command, String cwd, int exitCode, long durationMs,
                          String executionMode) {
}
