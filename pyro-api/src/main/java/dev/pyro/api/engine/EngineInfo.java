package dev.pyro.api.engine;

/** The answer to {@code ping} (and {@code shutdown}). */
public record EngineInfo(long pid, int protocol, String build, String stateDir, double startedAt,
                         int activeVms, int clients) {
}
