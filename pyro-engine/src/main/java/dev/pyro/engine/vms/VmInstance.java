package dev.pyro.engine.vms;

import dev.pyro.api.vm.VmStatus;
import dev.pyro.engine.backend.SandboxRecord;

/**
 * A one-shot VM as persisted in {@code <state>/vms/<id>/vm.json}, so that a restarted engine finds
 * it again: the request, its lifecycle state, and the backend's sandbox record.
 */
public record VmInstance(
        String vmId,
        String environment,
        String environmentVersion,
        int vcpuCount,
        int memMib,
        int ttlSeconds,
        double createdAt,
        double expiresAt,
        String state,
        boolean networkRequested,
        boolean allowHostCompat,
        String lastError,
        SandboxRecord sandbox) {

    public static final String CREATED = "created";
    public static final String STARTED = "started";
    public static final String STOPPED = "stopped";

    VmInstance withState(String newState, SandboxRecord newSandbox) {
        return new VmInstance(vmId, environment, environmentVersion, vcpuCount, memMib, ttlSeconds, createdAt,
                expiresAt, newState, networkRequested, allowHostCompat, lastError, newSandbox);
    }

    boolean expired(double now) {
        return expiresAt <= now;
    }

    VmStatus status() {
        boolean network = sandbox != null && Boolean.parseBoolean(sandbox.metadata().get("network_enabled"));
        return new VmStatus(vmId, environment, environmentVersion, vcpuCount, memMib, ttlSeconds, createdAt, expiresAt,
                state, network && !"host".equals(sandbox.backend()), allowHostCompat,
                network && "vm".equals(sandbox.backend()) ? "10.0.2.15" : null, null,
                sandbox == null ? null : sandbox.backend(),
                sandbox == null ? "pending" : sandbox.executionMode(),
                dev.pyro.engine.host.HostPrivilege.current().label(),
                sandbox == null ? java.util.Map.of() : sandbox.metadata());
    }
}
