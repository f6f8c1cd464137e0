package dev.pyro.engine.prepare;

/**
 * What {@code pyro prepare} proved, kept at {@code <cache>/.prepare/<platform>/<env_key>.json}: a
 * later prepare or doctor compares it with what is installed now (spec §10.7). {@code backend} is
 * the backend the throwaway workspace ran on; {@code environment_built_at} tells a rebuilt install
 * of the same version from the one that was proved.
 */
public record PrepareManifest(
        int layoutVersion,
        String environment,
        String environmentVersion,
        String platform,
        String catalogVersion,
        String bundleVersion,
        double preparedAt,
        boolean networkPrepared,
        long lastPrepareDurationMs,
        String backend,
        Double environmentBuiltAt) {

    public static final int LAYOUT_VERSION = 1;
}
