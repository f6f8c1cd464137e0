package dev.pyro.api.engine;

import dev.pyro.api.workspace.SeedOrigin;
import dev.pyro.api.workspace.WorkspaceRequest;

/** {@code origin}: null, or where a staged seed really came from (the MCP server's project source). */
public record WorkspaceCreateParams(WorkspaceRequest request,
                                    SeedOrigin origin) {

    public WorkspaceCreateParams(WorkspaceRequest request) {
        this(request, null);
    }
}
