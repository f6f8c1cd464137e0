package dev.pyro.api.vm;

import java.util.Map;

/** The payload of create/start/stop/status of a one-shot VM (spec §5.1), plus {@code backend} and {@code privilege} ({@code root} or {@code rootless}). */
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
        String privilege,
        Map<String, String> metadata) {
}
