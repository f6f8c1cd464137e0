package dev.pyro.api.workspace;

import java.util.Map;

/** The workspace payload of create, status, update, start, stop and reset (spec §5.3), plus {@code backend} and
 * {@code privilege} ({@code root} or {@code rootless}: how the engine runs sandboxes; limits differ). */
public record WorkspaceInfo(
        String workspaceId,
        String name,
        Map<String, String> labels,
        String environment,
        String environmentVersion,
        int vcpuCount,
        int memMib,
        int ttlSeconds,
        double createdAt,
        double lastActivityAt,
        double expiresAt,
        String state,
        String networkPolicy,
        boolean networkEnabled,
        boolean allowHostCompat,
        String guestIp,
        String tapName,
        String backend,
        String executionMode,
        String privilege,
        String workspacePath,
        WorkspaceSeed workspaceSeed,
        java.util.List<SecretInfo> secrets,
        int commandCount,
        LastCommand lastCommand,
        int resetCount,
        Double lastResetAt,
        int serviceCount,
        int runningServiceCount,
        String lastError,
        Map<String, String> metadata,
        WorkspaceReset workspaceReset) {

    /** The same payload with the service counts read from the workspace's service records. */
    public WorkspaceInfo withServices(int[] counts) {
        return new WorkspaceInfo(workspaceId, name, labels, environment, environmentVersion, vcpuCount, memMib,
                ttlSeconds, createdAt, lastActivityAt, expiresAt, state, networkPolicy, networkEnabled, allowHostCompat,
                guestIp, tapName, backend, executionMode, privilege, workspacePath, workspaceSeed, secrets, commandCount,
                lastCommand, resetCount, lastResetAt, counts[0], counts[1], lastError, metadata, workspaceReset);
    }

    /** Present only in the result of a reset. */
    public record WorkspaceReset(String snapshotName, String kind, String destination, long entryCount,
                                 long bytesWritten) {
    }
}
