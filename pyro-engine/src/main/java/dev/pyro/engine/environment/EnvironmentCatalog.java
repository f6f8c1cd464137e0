package dev.pyro.engine.environment;

import dev.pyro.api.Defaults;
import dev.pyro.api.PyroException;
import java.util.List;
import java.util.stream.Collectors;

/** The environments Pyro knows how to build. Names are stable identifiers. */
public final class EnvironmentCatalog {

    public static final String CATALOG_VERSION = "1.0.0";

    private static final String VERSION = "1.0.0";
    // Present in every environment: what the guest agent's exec and the file tools rely on.
    private static final List<String> CORE = List.of("bash", "coreutils", "findutils", "grep", "sed",
            "tar", "gzip", "procps");

    private static final List<EnvironmentSpec> ENTRIES = List.of(
            new EnvironmentSpec("debian:12", VERSION,
                    "Debian 12 environment with Git preinstalled for common agent workflows.",
                    "debian", "12", "bookworm", "minbase",
                    List.of("bash", "coreutils", "git"),
                    concat(CORE, List.of("git", "ca-certificates", "less"))),
            new EnvironmentSpec("debian:12-base", VERSION,
                    "Minimal Debian 12 environment for shell and core Unix tooling.",
                    "debian", "12", "bookworm", "minbase",
                    CORE,
                    CORE),
            new EnvironmentSpec("debian:12-build", VERSION,
                    "Debian 12 environment with Git and common build tools preinstalled.",
                    "debian", "12", "bookworm", "minbase",
                    List.of("bash", "coreutils", "git", "build-essential", "python3", "curl", "make"),
                    concat(CORE, List.of("git", "ca-certificates", "less", "build-essential", "make",
                            "python3", "python3-venv", "python3-pip", "curl", "pkg-config", "patch",
                            "file", "unzip", "xz-utils", "openssh-client"))));

    private EnvironmentCatalog() {
    }

    public static List<EnvironmentSpec> all() {
        return ENTRIES;
    }

    public static List<String> names() {
        return ENTRIES.stream().map(EnvironmentSpec::name).toList();
    }

    /** The entry of that name, or an error listing the known names (nothing is written). */
    public static EnvironmentSpec get(String name) {
        return ENTRIES.stream()
                .filter(spec -> spec.name().equals(name))
                .findFirst()
                .orElseThrow(() -> PyroException.invalid("unknown environment '" + name
                        + "'; known environments: " + ENTRIES.stream().map(EnvironmentSpec::name)
                        .collect(Collectors.joining(", "))));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).distinct().toList();
    }
}
