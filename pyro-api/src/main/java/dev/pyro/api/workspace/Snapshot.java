package dev.pyro.api.workspace;

/** One snapshot as listed; {@code kind} is baseline or named, {@code content} what it holds. */
public record Snapshot(String workspaceId, String snapshotName, String kind, String content, double createdAt,
                       long entryCount, long bytesWritten, boolean deletable) {
}
