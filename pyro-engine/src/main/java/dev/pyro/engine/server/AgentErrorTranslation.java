package dev.pyro.engine.server;

import dev.pyro.api.PyroException;
import dev.pyro.engine.workspace.WorkspaceManager;
import dev.pyro.protocol.AgentException;
import dev.pyro.protocol.AgentTimeoutException;
import dev.pyro.protocol.ErrorText;

/**
 * The guest refused or failed an operation (a missing file, a full disk, a vanished sandbox): the
 * user's to fix or retry, not a bug in Pyro, so it becomes a runtime error
 * {@code the sandbox could not do it: ...}. A timeout of a workspace's agent is first explained by
 * the workspace (e.g. its sandbox died), when it can.
 */
final class AgentErrorTranslation implements DispatchStep {

    private final WorkspaceManager workspaces;

    AgentErrorTranslation(WorkspaceManager workspaces) {
        this.workspaces = workspaces;
    }

    @Override
    public Object around(Call call, Next next) {
        try {
            return next.proceed();
        } catch (AgentException e) {
            String workspaceId = call.workspaceId();
            if (e instanceof AgentTimeoutException && workspaces != null && workspaceId != null) {
                workspaces.explainTimeout(workspaceId).ifPresent(cause -> {
                    throw cause;
                });
            }
            throw PyroException.runtime("the sandbox could not do it: " + ErrorText.of(e), e);
        }
    }
}
