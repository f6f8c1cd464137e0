package dev.pyro.api.state;

import java.util.Optional;

/** A workspace shell's state. The JSON and record form is {@link #value()}, the same string as before the enum existed. */
public enum ShellState implements WireValue {
    RUNNING("running"),
    STOPPED("stopped");

    private final String value;

    ShellState(String value) {
        this.value = value;
    }

    @Override
    public String value() {
        return value;
    }

    /** The constant whose string is {@code text}, if any. */
    public static Optional<ShellState> of(String text) {
        return WireValue.find(ShellState.class, text);
    }

    @Override
    public String toString() {
        return value;
    }
}
