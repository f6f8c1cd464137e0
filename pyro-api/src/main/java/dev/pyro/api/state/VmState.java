package dev.pyro.api.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/** A one-shot VM's lifecycle state (spec §7.1). The JSON and record form is {@link #value()}, the same string as before the enum existed. */
public enum VmState {
    CREATED("created"),
    STARTED("started"),
    STOPPED("stopped");

    private final String value;

    VmState(String value) {
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
    public static Optional<VmState> of(String text) {
        for (VmState constant : values()) {
            if (constant.value.equals(text)) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }

    @JsonCreator
    static VmState fromJson(String text) {
        return of(text).orElseThrow(() -> new IllegalArgumentException("unknown VmState: " + text));
    }

    @Override
    public String toString() {
        return value;
    }
}
