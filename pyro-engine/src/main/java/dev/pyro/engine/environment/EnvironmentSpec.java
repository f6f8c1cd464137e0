package dev.pyro.engine.environment;

import java.util.List;

/**
 * One catalog entry: what an environment is called and which Debian packages make it.
 *
 * @param defaultPackages the packages users are told about (shown by {@code env list/inspect})
 * @param packages        everything passed to the build on top of the Debian variant
 */
public record EnvironmentSpec(
        String name,
        String version,
        String description,
        String distribution,
        String distributionVersion,
        String suite,
        String variant,
        List<String> defaultPackages,
        List<String> packages) {

    /** The directory name of an install: {@code debian:12-base} version 1.0.0 → {@code debian_12-base-1.0.0}. */
    public String installDirName() {
        return key() + "-" + version;
    }

    /** The name with {@code :} and {@code /} replaced, safe for file names. */
    public String key() {
        return name.replace(':', '_').replace('/', '_');
    }
}
