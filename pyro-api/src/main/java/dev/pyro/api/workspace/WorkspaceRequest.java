package dev.pyro.api.workspace;

import dev.pyro.api.Defaults;
import dev.pyro.api.state.NetworkPolicy;
import dev.pyro.api.vm.VmLimits;
import java.nio.file.Path;
import java.util.Map;

/** What {@code workspace create} asks for. {@code seedPath} is a host directory or tar archive, or null. */
public record WorkspaceRequest(
        String environment,
        int vcpuCount,
        int memMib,
        int ttlSeconds,
        String networkPolicy,
        boolean allowHostCompat,
        String backend,
        Path seedPath,
        String name,
        Map<String, String> labels,
        java.util.List<SecretSpec> secrets) {

    public static WorkspaceRequest defaults(String environment) {
        return new WorkspaceRequest(environment, VmLimits.DEFAULT_VCPU_COUNT, VmLimits.DEFAULT_MEM_MIB,
                VmLimits.DEFAULT_TTL_SECONDS, NetworkPolicy.OFF.value(), false, Defaults.BACKEND, null, null, Map.of(), java.util.List.of());
    }

    public WorkspaceRequest withSeed(Path seed) {
        return new WorkspaceRequest(environment, vcpuCount, memMib, ttlSeconds, networkPolicy, allowHostCompat,
                backend, seed, name, labels, secrets);
    }

    public WorkspaceRequest withName(String newName) {
        return new WorkspaceRequest(environment, vcpuCount, memMib, ttlSeconds, networkPolicy, allowHostCompat,
                backend, seedPath, newName, labels, secrets);
    }

    public WorkspaceRequest withLabels(Map<String, String> newLabels) {
        return new WorkspaceRequest(environment, vcpuCount, memMib, ttlSeconds, networkPolicy, allowHostCompat,
                backend, seedPath, name, newLabels, secrets);
    }

    public WorkspaceRequest withBackend(String newBackend, boolean allowHost) {
        return new WorkspaceRequest(environment, vcpuCount, memMib, ttlSeconds, networkPolicy, allowHost,
                newBackend, seedPath, name, labels, secrets);
    }

    public WorkspaceRequest withSecrets(java.util.List<SecretSpec> newSecrets) {
        return new WorkspaceRequest(environment, vcpuCount, memMib, ttlSeconds, networkPolicy, allowHostCompat, backend,
                seedPath, name, labels, newSecrets);
    }

    /** {@code off} (default), {@code egress} or {@code egress+published-ports}. */
    public WorkspaceRequest withNetworkPolicy(String policy) {
        return new WorkspaceRequest(environment, vcpuCount, memMib, ttlSeconds, policy, allowHostCompat, backend,
                seedPath, name, labels, secrets);
    }

    public WorkspaceRequest withSize(int vcpus, int mem, int ttl) {
        return new WorkspaceRequest(environment, vcpus, mem, ttl, networkPolicy, allowHostCompat, backend, seedPath,
                name, labels, secrets);
    }
}
