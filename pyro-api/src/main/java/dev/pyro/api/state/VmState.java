package dev.pyro.api.state;

import java.util.Optional;

/** A one-shot VM's lifecycle state (spec §7.1). The JSON and record form is {@link #value()}, the same string as before the enum existed. */
public enum VmState implements WireValue {
    CREATED("created"),
    STARTED("started"),
    STOPPED("stopped");

    private final String value;

    VmState(String value) {
        this.value = value;
    }

    @Override
    public String value() {
        return value;
    }

    /** The constant whose string is {@code text}, if any. */
    public static Optional<VmState> of(String text) {
        return WireValue.find(VmState.class, text);
    }

    @Override
    public String toString() {
        return value;
    }
}
