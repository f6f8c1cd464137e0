package dev.pyro.api.workspace;

/** The result of {@code snapshot delete}. */
public record SnapshotDeleted(String workspaceId, String snapshotName, boolean deleted) {
}
