package dev.pyro.cli.host;

import dev.pyro.api.PyroException;
import dev.pyro.sdk.Environments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one canonical {@code pyro mcp serve} command line that every host helper writes: the
 * launcher, then {@code mcp serve}, then the surface, environment and project-source flags.
 *
 * @param launcher the argv that starts pyro (an absolute launcher path, or {@code pyro} with
 *     --installed-package)
 * @param installedPackage whether the launcher is the bare {@code pyro} on PATH
 * @param allowHostPaths directories besides the checkout the MCP client may use (absolute once validated)
 * @param allowHostCompat whether the MCP client may pass allow_host_compat=true
 */
public record ServerCommand(List<String> launcher, boolean installedPackage, String mode, String profile,
        String environment, String projectPath, String repoUrl, String repoRef, boolean noProjectSource,
        List<String> allowHostPaths, boolean allowHostCompat) {

    public static final String DEFAULT_PROFILE = "workspace-core";
    static final List<String> MODES = List.of("repro-fix", "inspect", "cold-start", "review-eval");
    static final List<String> PROFILES = List.of("vm-run", "workspace-core", "workspace-full");

    public ServerCommand {
        launcher = List.copyOf(launcher);
        allowHostPaths = allowHostPaths == null ? List.of() : List.copyOf(allowHostPaths);
        profile = profile == null ? DEFAULT_PROFILE : profile;
    }

    /**
     * Checks the flags in the spec's order and normalises them: a project path becomes absolute,
     * because the host starts the server from a directory of its own choosing.
     */
    public ServerCommand validated() {
        if (mode != null && !MODES.contains(mode)) {
            throw PyroException.invalid("--mode must be one of " + String.join(", ", MODES) + " (got '" + mode + "')");
        }
        if (!PROFILES.contains(profile)) {
            throw PyroException.invalid("--profile must be one of " + String.join(", ", PROFILES)
                    + " (got '" + profile + "')");
        }
        if (mode != null && !profile.equals(DEFAULT_PROFILE)) {
            throw PyroException.invalid("--mode and --profile are mutually exclusive");
        }
        if (projectPath != null && repoUrl != null) {
            throw PyroException.invalid("--project-path and --repo-url are mutually exclusive");
        }
        if (noProjectSource && (projectPath != null || repoUrl != null || repoRef != null)) {
            throw PyroException.invalid(
                    "--no-project-source cannot be combined with --project-path, --repo-url, or --repo-ref");
        }
        if (repoRef != null && repoUrl == null) {
            throw PyroException.invalid("--repo-ref requires --repo-url");
        }
        if (repoUrl != null && repoUrl.isBlank()) {
            throw PyroException.invalid("--repo-url must not be empty");
        }
        if (repoRef != null && repoRef.isBlank()) {
            throw PyroException.invalid("--repo-ref must not be empty");
        }
        if (environment != null) {
            Environments.requireKnown(environment);
        }
        return new ServerCommand(launcher, installedPackage, mode, profile, environment,
                projectPath == null ? null : absoluteDirectory(projectPath), repoUrl == null ? null : repoUrl.strip(),
                repoRef == null ? null : repoRef.strip(), noProjectSource,
                allowHostPaths.stream().map(d -> absoluteDirectory(d, "--allow-host-path")).toList(), allowHostCompat);
    }

    private static String absoluteDirectory(String given) {
        return absoluteDirectory(given, "--project-path");
    }

    private static String absoluteDirectory(String given, String flag) {
        Path path = HostPaths.expand(given);
        if (!Files.exists(path)) {
            throw PyroException.invalid(flag + " " + path + " does not exist");
        }
        if (!Files.isDirectory(path)) {
            throw PyroException.invalid(flag + " " + path + " must be a directory");
        }
        return path.toString();
    }

    /** The argv a host runs: {@code <launcher> mcp serve [flags]}. */
    public List<String> argv() {
        List<String> argv = new ArrayList<>(launcher);
        argv.addAll(List.of("mcp", "serve"));
        argv.addAll(flags());
        return List.copyOf(argv);
    }

    /** The helper flags that reproduce this command: the tail of {@code pyro host repair HOST ...}. */
    public List<String> helperFlags() {
        List<String> flags = new ArrayList<>();
        if (installedPackage) {
            flags.add("--installed-package");
        }
        flags.addAll(flags());
        return flags;
    }

    private List<String> flags() {
        List<String> flags = new ArrayList<>();
        if (mode != null) {
            flags.addAll(List.of("--mode", mode));
        } else if (!profile.equals(DEFAULT_PROFILE)) {
            flags.addAll(List.of("--profile", profile));
        }
        if (environment != null) {
            flags.addAll(List.of("--environment", environment));
        }
        if (projectPath != null) {
            flags.addAll(List.of("--project-path", projectPath));
        } else if (repoUrl != null) {
            flags.addAll(List.of("--repo-url", repoUrl));
            if (repoRef != null) {
                flags.addAll(List.of("--repo-ref", repoRef));
            }
        } else if (noProjectSource) {
            flags.add("--no-project-source");
        }
        for (String dir : allowHostPaths) {
            flags.addAll(List.of("--allow-host-path", dir));
        }
        if (allowHostCompat) {
            flags.add("--allow-host-compat");
        }
        return flags;
    }
}
