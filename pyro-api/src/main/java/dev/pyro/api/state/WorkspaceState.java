package dev.pyro.api.state;

import java.util.Optional;

/** A workspace's lifecycle state (spec §7.2). The JSON and record form is {@link #value()}, the same string as before the enum existed. */
public enum WorkspaceState implements WireValue {
    STARTED("started"),
    STOPPED("stopped");

    private final String value;

    WorkspaceState(String value) {
        this.value = value;
    }

    @Override
    public String value() {
        return value;
    }

    /** The constant whose string is {@code text}, if any. */
    public static Optional<WorkspaceState> of(String text) {
        return WireValue.find(WorkspaceState.class, text);
    }

    @Override
    public String toString() {
        return value;
    }
}
