package dev.pyro.api.engine;

import java.util.List;
import java.util.Map;

public record WorkspaceUpdateParams(String workspaceId, String name, boolean clearName,
                                    Map<String, String> labels, List<String> clearLabels) {

    public WorkspaceUpdateParams {
        workspaceId = ParamIds.workspace(workspaceId);
    }
}
