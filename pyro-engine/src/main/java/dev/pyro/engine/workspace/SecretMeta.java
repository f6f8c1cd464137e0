package dev.pyro.engine.workspace;

import dev.pyro.api.workspace.SecretInfo;

/** What a workspace record keeps of a secret: never its value. {@code source_kind} is literal or file. */
public record SecretMeta(String name, String sourceKind, String storedPath) {

    /** The public form: name and source kind only. */
    dev.pyro.api.workspace.SecretInfo toPublic() {
        return new dev.pyro.api.workspace.SecretInfo(name, sourceKind);
    }
}
