package dev.pyro.api.engine;

import dev.pyro.api.ids.VmId;
import dev.pyro.api.ids.WorkspaceId;

/**
 * Params: every id is checked where the params are made, in the client (SDK, CLI, MCP) and again
 * when the engine reads them off its socket; an id that is not 12 lowercase hex characters never
 * reaches a manager. Null passes here: the dispatcher names a missing field.
 */
final class ParamIds {

    private ParamIds() {
    }

    static String workspace(String raw) {
        return raw == null ? null : WorkspaceId.of(raw).value();
    }

    static String vm(String raw) {
        return raw == null ? null : VmId.of(raw).value();
    }
}
