package dev.pyro.mcp.tools;

import dev.pyro.sdk.Pyro;
import dev.pyro.mcp.HostPathPolicy;
import dev.pyro.mcp.McpSurface;
import dev.pyro.mcp.project.ProjectSource;

/**
 * What the tools of one server share: the SDK they call, the surface they belong to, the default
 * environment ({@code --environment}, or null: callers must name one), the project source (or null),
 * the host paths the client may name, and whether it may opt out of isolation.
 */
public record ToolContext(Pyro pyro, McpSurface surface, String defaultEnvironment, ProjectSource projectSource,
                          HostPathPolicy hostPaths, boolean allowHostCompat) {
}
