package dev.pyro.engine.guest;

/** What one command did in a sandbox. */
public record ExecOutcome(String stdout, String stderr, int exitCode, long durationMs, boolean timedOut,
                          boolean truncated) {
}
