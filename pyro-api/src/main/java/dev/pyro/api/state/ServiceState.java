package dev.pyro.api.state;

import java.util.Optional;

/** A workspace service's state. The JSON and record form is {@link #value()}, the same string as before the enum existed. */
public enum ServiceState implements WireValue {
    RUNNING("running"),
    EXITED("exited"),
    FAILED("failed"),
    STOPPED("stopped");

    private final String value;

    ServiceState(String value) {
        this.value = value;
    }

    @Override
    public String value() {
        return value;
    }

    /** The constant whose string is {@code text}, if any. */
    public static Optional<ServiceState> of(String text) {
        return WireValue.find(ServiceState.class, text);
    }

    @Override
    public String toString() {
        return value;
    }
}
