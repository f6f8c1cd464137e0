package dev.pyro.api.workspace;

import java.util.List;

/** The result of {@code snapshot list}: the baseline first. */
public record SnapshotListing(String workspaceId, int count, List<Snapshot> snapshots) {
}
