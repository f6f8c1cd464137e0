package dev.pyro.mcp;

import dev.pyro.sdk.Pyro;
import dev.pyro.sdk.ServerSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * How to build a server (the flags of {@code pyro mcp serve}): the surface, the default environment
 * ({@code null}: tools require one), the project source flags, resolved against {@code cwd}, and
 * what the MCP client may reach on the host: the directories besides the project checkout its host
 * path arguments may name ({@code --allow-host-path}), and whether it may pass
 * {@code allow_host_compat=true} ({@code --allow-host-compat}). Both default to nothing: the client
 * is not trusted with the host. {@code pyro.createServer(options)} builds the server.
 */
public record McpServerOptions(McpSurface surface, String environment, String projectPath, String repoUrl,
                               String repoRef, boolean noProjectSource, Path cwd, List<Path> allowedHostPaths,
                               boolean allowHostCompat) implements ServerSpec<PyroMcpServer> {

    public McpServerOptions {
        allowedHostPaths = allowedHostPaths == null ? List.of() : List.copyOf(allowedHostPaths);
    }

    /** Validates the options (the spec's messages) and builds the server over {@code pyro}. */
    @Override
    public PyroMcpServer createServer(Pyro pyro) {
        return PyroMcpServer.create(pyro, this);
    }

    /** The surface with the defaults: project auto-detection from the process's working directory. */
    public static McpServerOptions of(McpSurface surface) {
        return new McpServerOptions(surface, null, null, null, null, false, Path.of("").toAbsolutePath(), List.of(),
                false);
    }

    public McpServerOptions withEnvironment(String env) {
        return new McpServerOptions(surface, env, projectPath, repoUrl, repoRef, noProjectSource, cwd,
                allowedHostPaths, allowHostCompat);
    }

    public McpServerOptions withProjectPath(String path) {
        return new McpServerOptions(surface, environment, path, repoUrl, repoRef, noProjectSource, cwd,
                allowedHostPaths, allowHostCompat);
    }

    public McpServerOptions withRepo(String url, String ref) {
        return new McpServerOptions(surface, environment, projectPath, url, ref, noProjectSource, cwd,
                allowedHostPaths, allowHostCompat);
    }

    public McpServerOptions withoutProjectSource() {
        return new McpServerOptions(surface, environment, projectPath, repoUrl, repoRef, true, cwd,
                allowedHostPaths, allowHostCompat);
    }

    public McpServerOptions withCwd(Path dir) {
        return new McpServerOptions(surface, environment, projectPath, repoUrl, repoRef, noProjectSource, dir,
                allowedHostPaths, allowHostCompat);
    }

    /** One more directory the client's host paths may name (read from and export to); must exist. */
    public McpServerOptions withAllowedHostPath(Path dir) {
        List<Path> dirs = new java.util.ArrayList<>(allowedHostPaths);
        dirs.add(dir);
        return new McpServerOptions(surface, environment, projectPath, repoUrl, repoRef, noProjectSource, cwd, dirs,
                allowHostCompat);
    }

    /** Lets the client pass {@code allow_host_compat=true}: run without isolation when no sandbox works. */
    public McpServerOptions withAllowHostCompat(boolean allow) {
        return new McpServerOptions(surface, environment, projectPath, repoUrl, repoRef, noProjectSource, cwd,
                allowedHostPaths, allow);
    }
}
