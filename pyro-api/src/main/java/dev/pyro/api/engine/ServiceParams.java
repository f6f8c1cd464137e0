package dev.pyro.api.engine;

import dev.pyro.api.workspace.service.Readiness;
import java.util.List;
import java.util.Map;

/** Service operations; each uses the fields it needs ({@code tail_lines} null: all lines). */
public record ServiceParams(String workspaceId, String serviceName, String command, String cwd,
                            Readiness readiness, Integer readyTimeoutSeconds,
                            Integer readyIntervalMs, Map<String, String> secretEnv,
                            List<Object> publishedPorts, Integer tailLines, boolean allLines) {

    public ServiceParams {
        workspaceId = ParamIds.workspace(workspaceId);
    }

    public static ServiceParams of(String workspaceId, String serviceName) {
        return new ServiceParams(workspaceId, serviceName, null, null, null, null, null, null, null, null, false);
    }
}
