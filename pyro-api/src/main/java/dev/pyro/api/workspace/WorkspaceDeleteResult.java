package dev.pyro.api.workspace;

/** {@code {workspace_id, deleted: true, reason}}. */
public record WorkspaceDeleteResult(String workspaceId, boolean deleted, String reason) {
}
