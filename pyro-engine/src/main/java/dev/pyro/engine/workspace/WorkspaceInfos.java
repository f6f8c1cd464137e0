package dev.pyro.engine.workspace;

import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.workspace.WorkspaceList;
import dev.pyro.engine.network.GuestNetwork;

/** Builds the public {@link WorkspaceInfo} payload from a workspace record (the engine side of the payload). */
final class WorkspaceInfos {

    private WorkspaceInfos() {
    }

    static WorkspaceInfo of(WorkspaceRecord r, WorkspaceInfo.WorkspaceReset reset) {
        GuestNetwork net = r.sandbox() == null ? null : GuestNetwork.readFrom(r.sandbox().metadata());
        return new WorkspaceInfo(r.workspaceId(), r.name(), r.labels(), r.environment(), r.environmentVersion(),
                r.vcpuCount(), r.memMib(), r.ttlSeconds(), r.createdAt(), r.lastActivityAt(), r.expiresAt(), r.state(),
                r.networkPolicy(), net != null, r.allowHostCompat(), net == null ? null : net.guestIp(),
                net == null ? null : net.tapName(), r.backend(), r.executionMode(),
                dev.pyro.engine.host.HostPrivilege.current().label(), dev.pyro.api.Defaults.WORKSPACE_PATH, r.workspaceSeed(),
                r.secretList().stream().map(SecretMeta::toPublic).toList(), r.commandCount(), r.lastCommand(), r.resetCount(),
                r.lastResetAt(), 0, 0, r.lastError(), r.metadata(), reset);
    }

    static WorkspaceList.Item listItem(WorkspaceRecord r, int[] services) {
        return new WorkspaceList.Item(r.workspaceId(), r.name(), r.labels(), r.environment(), r.state(), r.createdAt(),
                r.lastActivityAt(), r.expiresAt(), r.commandCount(), services[0], services[1]);
    }
}
