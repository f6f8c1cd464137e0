package dev.pyro.api.environment;

/**
 * Whether the create-work-reset loop of one environment is ready to be fast: {@code warm} (prepared
 * and nothing changed since), {@code cold} (never prepared) or {@code stale} (something changed),
 * with the reason and the command that fixes it ({@code fix} is null when warm). {@code template}
 * says whether creates start from a warm template ({@code warm}, {@code cold} or {@code unsupported}
 * for the prepared backend at the default size), {@code templateDetail} why not, or where it is.
 */
public record DailyLoopReport(
        String environment,
        String status,
        boolean installed,
        boolean networkPrepared,
        Double preparedAt,
        String manifestPath,
        String reason,
        String cacheDir,
        String fix,
        String template,
        String templateDetail) {

    public static final String WARM = "warm";
    public static final String COLD = "cold";
    public static final String STALE = "stale";
}
