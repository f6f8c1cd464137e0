package dev.pyro.api.workspace;

/** {@code workspace exec}: the command's outcome and its place in the journal. */
public record WorkspaceExecResult(String workspaceId, String environment, String environmentVersion, String command,
                                  String stdout, String stderr, int exitCode, long durationMs, String executionMode,
                                  int sequence, String cwd) {
}
