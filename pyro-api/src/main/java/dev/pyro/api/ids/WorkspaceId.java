package dev.pyro.api.ids;

/**
 * A checked workspace id: the only key {@code WorkspaceStore} turns into a path, a lock file or a
 * process match. Made from outside input only through {@link #of}, which refuses anything but 12
 * lowercase hex characters.
 */
public record WorkspaceId(String value) {

    public static final String FIELD = "workspace_id";

    public WorkspaceId {
        Identifiers.hex12(FIELD, value);
    }

    public static WorkspaceId of(String raw) {
        return new WorkspaceId(raw);
    }

    public static WorkspaceId random() {
        return new WorkspaceId(Identifiers.newHex12());
    }

    @Override
    public String toString() {
        return value;
    }
}
