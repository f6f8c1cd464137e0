package dev.pyro.api.environment;

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

}
