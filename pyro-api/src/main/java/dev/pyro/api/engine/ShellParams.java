package dev.pyro.api.engine;

import dev.pyro.api.ids.ShellId;
import java.util.Map;

/** Shell operations; each uses the fields it needs (null: the default). */
public record ShellParams(String workspaceId, String shellId, String cwd, Integer cols, Integer rows,
                          Map<String, String> secretEnv, Integer cursor, Integer maxChars,
                          boolean plain, Integer waitForIdleMs, String input, Boolean appendNewline,
                          String signal) {

    public ShellParams {
        workspaceId = ParamIds.workspace(workspaceId);
        shellId = shellId == null ? null : ShellId.of(shellId).value();
    }

    public static ShellParams of(String workspaceId, String shellId) {
        return new ShellParams(workspaceId, shellId, null, null, null, null, null, null, false, null, null, null,
                null);
    }
}
