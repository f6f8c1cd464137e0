package dev.pyro.engine.vms;

import dev.pyro.api.vm.VmStatus;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.pyro.api.state.BackendName;
import dev.pyro.api.state.VmState;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.provision.SandboxTerms;
import dev.pyro.engine.provision.WithSandboxTerms;

/**
 * A one-shot VM as persisted in {@code <state>/vms/<id>/vm.json}, so that a restarted engine finds
 * it again: the request, its lifecycle state, and the backend's sandbox record. The sizing and
 * lifecycle fields are the {@link SandboxTerms} workspaces share, unwrapped: the file is as before.
 */
public record VmInstance(
        String vmId,
        @JsonUnwrapped SandboxTerms terms,
        boolean networkRequested,
        boolean allowHostCompat,
        String lastError,
        SandboxRecord sandbox) implements WithSandboxTerms {

    /** Kept for readers of the record's constants; {@link VmState} is the type. */
    public static final String CREATED = VmState.CREATED.value();
    public static final String STARTED = VmState.STARTED.value();
    public static final String STOPPED = VmState.STOPPED.value();

    /** The flat form (tests write records with it). */
    public VmInstance(String vmId, String environment, String environmentVersion, int vcpuCount, int memMib,
                      int ttlSeconds, double createdAt, double expiresAt, String state, boolean networkRequested,
                      boolean allowHostCompat, String lastError, SandboxRecord sandbox) {
        this(vmId, new SandboxTerms(environment, environmentVersion, vcpuCount, memMib, ttlSeconds, createdAt,
                expiresAt, state), networkRequested, allowHostCompat, lastError, sandbox);
    }

    VmInstance withState(VmState newState, SandboxRecord newSandbox) {
        return new VmInstance(vmId, terms.withState(newState.value()), networkRequested, allowHostCompat, lastError,
                newSandbox);
    }

    boolean expired(double now) {
        return terms.expired(now);
    }

    VmStatus status() {
        boolean network = sandbox != null && Boolean.parseBoolean(sandbox.metadata().get("network_enabled"));
        return new VmStatus(vmId, environment(), environmentVersion(), vcpuCount(), memMib(), ttlSeconds(),
                createdAt(), expiresAt(), state(), network && !BackendName.HOST.is(sandbox.backend()), allowHostCompat,
                network && BackendName.VM.is(sandbox.backend()) ? "10.0.2.15" : null, null,
                sandbox == null ? null : sandbox.backend(),
                sandbox == null ? "pending" : sandbox.executionMode(),
                dev.pyro.engine.host.HostPrivilege.current().label(),
                sandbox == null ? java.util.Map.of() : sandbox.metadata());
    }
}
