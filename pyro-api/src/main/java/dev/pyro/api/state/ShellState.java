package dev.pyro.api.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/** A workspace shell's state. The JSON and record form is {@link #value()}, the same string as before the enum existed. */
public enum ShellState {
    RUNNING("running"),
    STOPPED("stopped");

    private final String value;

    ShellState(String value) {
        this.value = value;
    }

    /** The wire and on-disk string. */
    @JsonValue
    public String value() {
        return value;
    }

    /** Whether {@code text} is this constant's string (null is never). */
    public boolean is(String text) {
        return value.equals(text);
    }

    /** The constant whose string is {@code text}, if any. */
    public static Optional<ShellState> of(String text) {
        for (ShellState constant : values()) {
            if (constant.value.equals(text)) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }

    @JsonCreator
    static ShellState fromJson(String text) {
        return of(text).orElseThrow(() -> new IllegalArgumentException("unknown ShellState: " + text));
    }

    @Override
    public String toString() {
        return value;
    }
}
