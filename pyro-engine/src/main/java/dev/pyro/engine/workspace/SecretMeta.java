package dev.pyro.engine.workspace;

/** What a workspace record keeps of a secret: never its value. {@code source_kind} is literal or file. */
public record SecretMeta(String name, String sourceKind, String storedPath) {

    /** The public form: name and source kind only. */
    public record Public(String name, String sourceKind) {
    }

    Public toPublic() {
        return new Public(name, sourceKind);
    }
}
