package dev.pyro.engine.template;

/**
 * Whether creates of one environment start from a warm template: {@code warm}, {@code cold} (none
 * yet, or the one there is stale or broken: the next create or {@code pyro prepare} builds it),
 * or {@code unsupported} (the backend boots cold by design, e.g. gvisor), with the reason.
 */
public record TemplateStatus(String status, String reason, String path) {

    public static final String WARM = "warm";
    public static final String COLD = "cold";
    public static final String UNSUPPORTED = "unsupported";
}
