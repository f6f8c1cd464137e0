package dev.pyro.engine.provision;

/**
 * What a create request asks of any sandbox, one-shot VM or workspace alike: the environment, the
 * sizing and lifetime, and the backend (with the host backend's opt-in). Both requests carry these
 * same fields; the plan hands them over as one.
 *
 * @param backend the backend asked for ({@code null}: {@code PYRO_BACKEND}, else {@code auto})
 */
public record SandboxAsk(String environment, int vcpuCount, int memMib, int ttlSeconds, String backend,
                         boolean allowHostCompat) {
}
