package dev.pyro.engine.vms;

import java.util.Map;

/** The payload of create/start/stop/status of a one-shot VM (spec §5.1), plus {@code backend}. */
public record VmStatus(
        String vmId,
        String environment,
        String environmentVersion,
        int vcpuCount,
        int memMib,
        int ttlSeconds,
        double createdAt,
        double expiresAt,
        String state,
        boolean networkEnabled,
        boolean allowHostCompat,
        String guestIp,
        String tapName,
        String backend,
        String executionMode,
        Map<String, String> metadata) {
}
