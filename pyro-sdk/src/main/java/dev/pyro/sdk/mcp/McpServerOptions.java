package dev.pyro.sdk.mcp;

import java.nio.file.Path;

/**
 * How to build a server (the flags of {@code pyro mcp serve}): the surface, the default environment
 * ({@code null}: tools require one), and the project source flags, resolved against {@code cwd}.
 */
public record McpServerOptions(McpSurface surface, String environment, String projectPath, String repoUrl,
                               String repoRef, boolean noProjectSource, Path cwd) {

    /** The surface with the defaults: project auto-detection from the process's working directory. */
    public static McpServerOptions of(McpSurface surface) {
        return new McpServerOptions(surface, null, null, null, null, false, Path.of("").toAbsolutePath());
    }

    public McpServerOptions withEnvironment(String env) {
        return new McpServerOptions(surface, env, projectPath, repoUrl, repoRef, noProjectSource, cwd);
    }

    public McpServerOptions withProjectPath(String path) {
        return new McpServerOptions(surface, environment, path, repoUrl, repoRef, noProjectSource, cwd);
    }

    public McpServerOptions withRepo(String url, String ref) {
        return new McpServerOptions(surface, environment, projectPath, url, ref, noProjectSource, cwd);
    }

    public McpServerOptions withoutProjectSource() {
        return new McpServerOptions(surface, environment, projectPath, repoUrl, repoRef, true, cwd);
    }

    public McpServerOptions withCwd(Path dir) {
        return new McpServerOptions(surface, environment, projectPath, repoUrl, repoRef, noProjectSource, dir);
    }
}
