package dev.pyro.engine.server;

import dev.pyro.api.PyroException;
import dev.pyro.api.ids.WorkspaceId;
import dev.pyro.engine.workspace.WorkspaceManager;
import dev.pyro.engine.workspace.WorkspaceSecrets;
import java.util.List;

/** An error about a workspace never shows one of its secrets' values (spec §8.4). */
final class SecretRedaction implements DispatchStep {

    private final WorkspaceManager workspaces;

    SecretRedaction(WorkspaceManager workspaces) {
        this.workspaces = workspaces;
    }

    @Override
    public Object around(Call call, Next next) {
        try {
            return next.proceed();
        } catch (PyroException e) {
            throw redacted(e, call.workspaceId());
        }
    }

    private PyroException redacted(PyroException e, String id) {
        if (id == null || workspaces == null || e.getMessage() == null) {
            return e;
        }
        List<String> values;
        try {
            values = WorkspaceSecrets.values(workspaces.store().dir(WorkspaceId.of(id)), workspaces.live(id).secretList());
        } catch (RuntimeException unknown) {
            return e; // no such workspace (any more): no secrets to hide
        }
        String message = WorkspaceSecrets.redact(e.getMessage(), values);
        return message.equals(e.getMessage()) ? e : new PyroException(e.kind(), message);
    }
}
