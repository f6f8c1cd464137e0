package dev.pyro.api;

/**
 * Receives progress of long work (environment and kernel builds). The CLI renders it as a bar on a
 * terminal and as {@code [pull] phase=...} lines otherwise; the MCP server and tests ignore it.
 */
public interface Progress {

    /** A new phase started, e.g. {@code install} with detail {@code environment=debian:12}. */
    void phase(String phase, String detail);

    /** Work inside the current phase advanced; {@code total} is 0 when unknown. */
    void step(long done, long total, String message);

    Progress NONE = new Progress() {
        @Override
        public void phase(String phase, String detail) {
        }

        @Override
        public void step(long done, long total, String message) {
        }
    };
}
