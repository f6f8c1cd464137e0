package dev.pyro.engine.environment;

import java.util.List;

/**
 * The payload of {@code env list}, {@code env inspect} and {@code env pull}: the catalog entry plus
 * its install state. {@code reason} says why it is not installed (null when it is).
 */
public record EnvironmentInfo(
        String name,
        String version,
        String description,
        String distribution,
        String distributionVersion,
        List<String> defaultPackages,
        String catalogVersion,
        boolean installed,
        String reason,
        String installDir,
        String cacheDir,
        String source,
        String digest,
        Double builtAt,
        String kernelVersion) {

    static EnvironmentInfo of(EnvironmentSpec spec, InstallState state, String cacheDir) {
        EnvironmentManifest m = state.manifest();
        return new EnvironmentInfo(spec.name(), spec.version(), spec.description(), spec.distribution(),
                spec.distributionVersion(), spec.defaultPackages(), EnvironmentCatalog.CATALOG_VERSION,
                state.installed(), state.reason(), state.installDir().toString(), cacheDir,
                "debian " + spec.suite() + " packages, built locally",
                m == null ? null : m.digest(),
                m == null ? null : m.builtAt(),
                m == null ? null : m.kernelVersion());
    }
}
