package dev.pyro.api.workspace;

import dev.pyro.api.Defaults;

/**
 * Where {@code /workspace} came from at create: {@code mode} is empty, directory or tar_archive;
 * {@code origin_kind} is empty, seed_path, project_path or repo_url.
 */
public record WorkspaceSeed(
        String mode,
        String seedPath,
        String destination,
        long entryCount,
        long bytesWritten,
        String originKind,
        String originRef) {

    public static WorkspaceSeed empty() {
        return new WorkspaceSeed("empty", null, dev.pyro.api.Defaults.WORKSPACE_PATH, 0, 0, "empty", null);
    }

    public WorkspaceSeed withCounts(long entries, long bytes) {
        return new WorkspaceSeed(mode, seedPath, destination, entries, bytes, originKind, originRef);
    }
}
