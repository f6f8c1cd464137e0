package dev.pyro.api.environment;

/**
 * What {@code pyro prepare} did: {@code prepared} once a full cycle passed (or a warm manifest was
 * {@code reused}), the daily loop's status afterwards, and where the manifest is.
 */
public record PrepareResult(
        String environment,
        boolean prepared,
        boolean reused,
        boolean networkPrepared,
        String status,
        String backend,
        String executionMode,
        Double preparedAt,
        long lastPrepareDurationMs,
        String manifestPath) {
}
