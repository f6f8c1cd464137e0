package dev.pyro.engine.provision;

/**
 * The sizing and lifecycle fields every sandbox record carries, one-shot VM ({@code vm.json}) and
 * workspace ({@code workspace.json}) alike. The records hold it {@code @JsonUnwrapped}, at the
 * place these keys always had, so the files keep their keys and their order. The public payloads
 * ({@code VmStatus}, {@code WorkspaceInfo}) stay flat: they are the contract, built from the records.
 * ({@code allow_host_compat} is the same in both records too, but sits after each one's own network
 * field in the files, so it stays beside that.)
 */
public record SandboxTerms(
        String environment,
        String environmentVersion,
        int vcpuCount,
        int memMib,
        int ttlSeconds,
        double createdAt,
        double expiresAt,
        String state) {

    /** A new sandbox's terms: created now, expiring after its TTL. */
    public static SandboxTerms of(String environment, String environmentVersion, int vcpuCount, int memMib,
                                  int ttlSeconds, double now, String state) {
        return new SandboxTerms(environment, environmentVersion, vcpuCount, memMib, ttlSeconds, now,
                now + ttlSeconds, state);
    }

    public SandboxTerms withState(String newState) {
        return new SandboxTerms(environment, environmentVersion, vcpuCount, memMib, ttlSeconds, createdAt, expiresAt,
                newState);
    }

    public boolean expired(double now) {
        return expiresAt <= now;
    }
}
