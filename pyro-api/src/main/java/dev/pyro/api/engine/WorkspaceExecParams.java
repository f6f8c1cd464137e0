package dev.pyro.api.engine;

import java.util.Map;

public record WorkspaceExecParams(String workspaceId, String command, int timeoutSeconds,
                                  Map<String, String> secretEnv) {

    public WorkspaceExecParams {
        workspaceId = ParamIds.workspace(workspaceId);
    }
}
