package dev.pyro.api.ids;

/** A checked shell id (12 lowercase hex characters, as Pyro makes them); it keys a live PTY and nothing else. */
public record ShellId(String value) {

    public static final String FIELD = "shell_id";

    public ShellId {
        Identifiers.hex12(FIELD, value);
    }

    public static ShellId of(String raw) {
        return new ShellId(raw);
    }

    public static ShellId random() {
        return new ShellId(Identifiers.newHex12());
    }

    @Override
    public String toString() {
        return value;
    }
}
