package dev.pyro.api.workspace;

import java.util.List;

/** {@code workspace logs}: the command journal since the last reset, by sequence. */
public record WorkspaceLogs(String workspaceId, int count, List<CommandEntry> entries) {
}
