package dev.pyro.api.vm;

import dev.pyro.api.PyroException;

/** The spec's sizing limits for sandboxes, with its error texts. */
public final class VmLimits {

    public static final int DEFAULT_VCPU_COUNT = 1;
    public static final int MIN_VCPUS = 1;
    public static final int MAX_VCPUS = 8;
    public static final int DEFAULT_MEM_MIB = 1024;
    public static final int MIN_MEM_MIB = 256;
    public static final int MAX_MEM_MIB = 32768;
    public static final int DEFAULT_TTL_SECONDS = 600;
    public static final int MIN_TTL_SECONDS = 60;
    public static final int MAX_TTL_SECONDS = 3600;
    public static final int DEFAULT_TIMEOUT_SECONDS = 30;
    public static final int DEFAULT_MAX_ACTIVE_VMS = 4;

    private VmLimits() {
    }

    public static void validate(int vcpuCount, int memMib, int ttlSeconds) {
        if (vcpuCount < MIN_VCPUS || vcpuCount > MAX_VCPUS) {
            throw PyroException.invalid("vcpu_count must be between " + MIN_VCPUS + " and " + MAX_VCPUS);
        }
        if (memMib < MIN_MEM_MIB || memMib > MAX_MEM_MIB) {
            throw PyroException.invalid("mem_mib must be between " + MIN_MEM_MIB + " and " + MAX_MEM_MIB);
        }
        if (ttlSeconds < MIN_TTL_SECONDS || ttlSeconds > MAX_TTL_SECONDS) {
            throw PyroException.invalid("ttl_seconds must be between " + MIN_TTL_SECONDS + " and " + MAX_TTL_SECONDS);
        }
    }

    public static void validateTimeout(int timeoutSeconds) {
        if (timeoutSeconds <= 0) {
            throw PyroException.invalid("timeout_seconds must be positive");
        }
    }
}
