package dev.pyro.engine.provision;

/**
 * A record that holds its sizing and lifecycle fields as one {@link SandboxTerms} (one-shot VMs and
 * workspaces alike) and reads them as if they were its own, so callers write {@code record.memMib()}.
 * These are plain methods, not record components: the JSON of the record is unchanged.
 */
public interface WithSandboxTerms {

    SandboxTerms terms();

    default String environment() {
        return terms().environment();
    }

    default String environmentVersion() {
        return terms().environmentVersion();
    }

    default int vcpuCount() {
        return terms().vcpuCount();
    }

    default int memMib() {
        return terms().memMib();
    }

    default int ttlSeconds() {
        return terms().ttlSeconds();
    }

    default double createdAt() {
        return terms().createdAt();
    }

    default double expiresAt() {
        return terms().expiresAt();
    }

    default String state() {
        return terms().state();
    }
}
