package dev.pyro.api.engine;

/** Snapshot operations and reset ({@code snapshot_name} null there means the baseline). */
public record SnapshotParams(String workspaceId, String snapshotName) {

    public SnapshotParams {
        workspaceId = ParamIds.workspace(workspaceId);
    }
}
