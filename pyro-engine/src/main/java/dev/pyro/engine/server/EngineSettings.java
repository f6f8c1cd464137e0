package dev.pyro.engine.server;

import dev.pyro.api.PyroException;
import dev.pyro.api.vm.VmLimits;
import java.time.Duration;
import java.util.Map;

/**
 * The engine's knobs, from the environment of the client that started it (the engine serves every
 * later client with them): how long it stays up idle, and how many VMs may exist at once.
 */
public record EngineSettings(Duration idleTimeout, int maxActiveVms) {

    public static final int DEFAULT_IDLE_SECONDS = 600;

    public static EngineSettings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** Invalid values fail here, in the client, with INVALID_INPUT: not later as an engine that never starts. */
    public static EngineSettings fromEnvironment(Map<String, String> env) {
        int idle = wholeNumber(env, "PYRO_ENGINE_IDLE_SECONDS", DEFAULT_IDLE_SECONDS);
        if (idle < 1) {
            throw PyroException.invalid("PYRO_ENGINE_IDLE_SECONDS must be at least 1, not " + idle);
        }
        return new EngineSettings(Duration.ofSeconds(idle),
                wholeNumber(env, "PYRO_MAX_ACTIVE_VMS", VmLimits.DEFAULT_MAX_ACTIVE_VMS));
    }

    private static int wholeNumber(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        try {
            return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw PyroException.invalid(name + " must be a whole number, not '" + value + "'");
        }
    }
}
