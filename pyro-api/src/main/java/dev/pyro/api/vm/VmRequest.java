package dev.pyro.api.vm;

import dev.pyro.api.Defaults;

/** What {@code create_vm} / {@code run_in_vm} ask for; {@code backend} is auto, vm, gvisor or host. */
public record VmRequest(
        String environment,
        int vcpuCount,
        int memMib,
        int ttlSeconds,
        boolean network,
        boolean allowHostCompat,
        String backend) {

    public static VmRequest defaults(String environment) {
        return new VmRequest(environment, VmLimits.DEFAULT_VCPU_COUNT, VmLimits.DEFAULT_MEM_MIB,
                VmLimits.DEFAULT_TTL_SECONDS, false, false, Defaults.BACKEND);
    }

    public VmRequest withBackend(String name) {
        return new VmRequest(environment, vcpuCount, memMib, ttlSeconds, network, allowHostCompat, name);
    }

    public VmRequest withNetwork(boolean on) {
        return new VmRequest(environment, vcpuCount, memMib, ttlSeconds, on, allowHostCompat, backend);
    }

    public VmRequest withAllowHostCompat(boolean allow) {
        return new VmRequest(environment, vcpuCount, memMib, ttlSeconds, network, allow, backend);
    }

    public VmRequest withSize(int vcpus, int mem) {
        return new VmRequest(environment, vcpus, mem, ttlSeconds, network, allowHostCompat, backend);
    }

    public VmRequest withTtl(int seconds) {
        return new VmRequest(environment, vcpuCount, memMib, seconds, network, allowHostCompat, backend);
    }
}
