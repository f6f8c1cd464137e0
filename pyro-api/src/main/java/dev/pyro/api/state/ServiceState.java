package dev.pyro.api.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/** A workspace service's state. The JSON and record form is {@link #value()}, the same string as before the enum existed. */
public enum ServiceState {
    RUNNING("running"),
    EXITED("exited"),
    FAILED("failed"),
    STOPPED("stopped");

    private final String value;

    ServiceState(String value) {
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
    public static Optional<ServiceState> of(String text) {
        for (ServiceState constant : values()) {
            if (constant.value.equals(text)) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }

    @JsonCreator
    static ServiceState fromJson(String text) {
        return of(text).orElseThrow(() -> new IllegalArgumentException("unknown ServiceState: " + text));
    }

    @Override
    public String toString() {
        return value;
    }
}
