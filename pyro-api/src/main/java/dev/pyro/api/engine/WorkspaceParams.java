package dev.pyro.api.engine;

public record WorkspaceParams(String workspaceId) {

    public WorkspaceParams {
        workspaceId = ParamIds.workspace(workspaceId);
    }
}
