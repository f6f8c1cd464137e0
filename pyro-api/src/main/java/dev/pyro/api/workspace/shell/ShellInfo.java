package dev.pyro.api.workspace.shell;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A shell as every shell operation returns it (spec §5.5); the operation-specific keys are present
 * only in that operation's result.
 */
public record ShellInfo(
        String workspaceId,
        String shellId,
        String cwd,
        int cols,
        int rows,
        String state,
        double startedAt,
        Double endedAt,
        Integer exitCode,
        String executionMode,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer cursor,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer nextCursor,
        @JsonInclude(JsonInclude.Include.NON_NULL) String output,
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean truncated,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer inputLength,
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean appendNewline,
        @JsonInclude(JsonInclude.Include.NON_NULL) String signal,
        @JsonInclude(JsonInclude.Include.NON_NULL) Boolean closed) {

    public ShellInfo read(int from, int next, String text, boolean more) {
        return new ShellInfo(workspaceId, shellId, cwd, cols, rows, state, startedAt, endedAt, exitCode, executionMode,
                from, next, text, more, null, null, null, null);
    }

    public ShellInfo wrote(int length, boolean newline) {
        return new ShellInfo(workspaceId, shellId, cwd, cols, rows, state, startedAt, endedAt, exitCode, executionMode,
                null, null, null, null, length, newline, null, null);
    }

    public ShellInfo signalled(String name) {
        return new ShellInfo(workspaceId, shellId, cwd, cols, rows, state, startedAt, endedAt, exitCode, executionMode,
                null, null, null, null, null, null, name, null);
    }

    public ShellInfo closedNow() {
        return new ShellInfo(workspaceId, shellId, cwd, cols, rows, state, startedAt, endedAt, exitCode, executionMode,
                null, null, null, null, null, null, null, true);
    }
}
