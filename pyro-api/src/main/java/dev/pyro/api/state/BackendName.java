package dev.pyro.api.state;

import java.util.Optional;

/** A sandbox backend as records and payloads name it ({@code auto} is a request, not a backend). The JSON and record form is {@link #value()}, the same string as before the enum existed. */
public enum BackendName implements WireValue {
    VM("vm"),
    GVISOR("gvisor"),
    HOST("host");

    private final String value;

    BackendName(String value) {
        this.value = value;
    }

    @Override
    public String value() {
        return value;
    }

    /** The constant whose string is {@code text}, if any. */
    public static Optional<BackendName> of(String text) {
        return WireValue.find(BackendName.class, text);
    }

    @Override
    public String toString() {
        return value;
    }
}
