package dev.pyro.cli.host;

import picocli.CommandLine.Option;

/** The flags every {@code pyro host} command shares: they select the canonical server command. */
public final class ServerFlags {

    @Option(names = "--installed-package", order = 10,
            description = "Run the pyro on the host's PATH instead of this launcher's absolute path.")
    boolean installedPackage;

    @Option(names = "--mode", paramLabel = "MODE", order = 11,
            description = "Named use case: repro-fix, inspect, cold-start or review-eval.")
    String mode;

    @Option(names = "--profile", paramLabel = "PROFILE", order = 12,
            description = "vm-run, workspace-core (default, not written) or workspace-full. Not with --mode.")
    String profile;

    @Option(names = "--environment", paramLabel = "ENV", order = 13,
            description = "Default environment for the server's workspaces (debian:12-build ...).")
    String environment;

    @Option(names = "--project-path", paramLabel = "PATH", order = 14,
            description = "Seed workspaces from this checkout (written as an absolute path).")
    String projectPath;

    @Option(names = "--repo-url", paramLabel = "URL", order = 15,
            description = "Seed workspaces from a clean clone of this repository.")
    String repoUrl;

    @Option(names = "--repo-ref", paramLabel = "REF", order = 16, description = "Branch, tag or commit; needs --repo-url.")
    String repoRef;

    @Option(names = "--no-project-source", order = 17, description = "No default seed for workspace_create.")
    boolean noProjectSource;

    @Option(names = "--allow-host-path", paramLabel = "DIR", order = 18,
            description = "Let the MCP client read from and export to this directory too (repeatable).")
    java.util.List<String> allowHostPaths = new java.util.ArrayList<>();

    @Option(names = "--allow-host-compat", order = 19,
            description = "Let the MCP client pass allow_host_compat=true (no isolation when no sandbox works).")
    boolean allowHostCompat;

    /** The validated canonical command these flags select. */
    public ServerCommand serverCommand() {
        // Validate the flags before locating the launcher, so a typo is reported as such.
        ServerCommand draft = new ServerCommand(java.util.List.of("pyro"), installedPackage, mode, profile,
                environment, projectPath, repoUrl, repoRef, noProjectSource, allowHostPaths, allowHostCompat).validated();
        return new ServerCommand(Launcher.argv(installedPackage), installedPackage, draft.mode(), draft.profile(),
                draft.environment(), draft.projectPath(), draft.repoUrl(), draft.repoRef(), draft.noProjectSource(),
                draft.allowHostPaths(), draft.allowHostCompat());
    }
}
