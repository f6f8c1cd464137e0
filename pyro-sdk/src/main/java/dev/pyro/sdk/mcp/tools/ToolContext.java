package dev.pyro.sdk.mcp.tools;

import dev.pyro.sdk.Pyro;
import dev.pyro.sdk.mcp.HostPathPolicy;
import dev.pyro.sdk.mcp.McpSurface;
import dev.pyro.sdk.mcp.project.ProjectSource;

/**
 * What the tools of one server share: the SDK they call, the surface they belong to, the default
 * environment ({@code --environment}, or null: callers must name one), the project source (or null),
 * the host paths the client may name, and whether it may opt out of isolation.
 */
public record ToolContext(Pyro pyro, McpSurface surface, String defaultEnvironment, ProjectSource projectSource,
                          HostPathPolicy hostPaths, boolean allowHostCompat) {
}
