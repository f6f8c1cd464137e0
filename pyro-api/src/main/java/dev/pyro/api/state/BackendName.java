package dev.pyro.api.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/** A sandbox backend as records and payloads name it ({@code auto} is a request, not a backend). The JSON and record form is {@link #value()}, the same string as before the enum existed. */
public enum BackendName {
    VM("vm"),
    GVISOR("gvisor"),
    HOST("host");

    private final String value;

    BackendName(String value) {
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
    public static Optional<BackendName> of(String text) {
        for (BackendName constant : values()) {
            if (constant.value.equals(text)) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }

    @JsonCreator
    static BackendName fromJson(String text) {
        return of(text).orElseThrow(() -> new IllegalArgumentException("unknown BackendName: " + text));
    }

    @Override
    public String toString() {
        return value;
    }
}
