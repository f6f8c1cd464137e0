package dev.pyro.api.workspace;

/** The result of {@code snapshot create}. */
public record SnapshotCreated(String workspaceId, Snapshot snapshot, String executionMode) {
}
