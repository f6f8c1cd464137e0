package dev.pyro.api.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** A workspace's network policy (spec §7.2). The JSON and record form is {@link #value()}. */
public enum NetworkPolicy {
    OFF("off"),
    EGRESS("egress"),
    EGRESS_PUBLISHED_PORTS("egress+published-ports");

    /** The error text for anything else, as the spec words it. */
    public static final String CHOICES = "network_policy must be one of: off, egress, egress+published-ports";

    private final String value;

    NetworkPolicy(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    public boolean is(String text) {
        return value.equals(text);
    }

    /** Whether the guest gets a network (any policy but off). */
    public boolean networked() {
        return this != OFF;
    }

    /** Whether a recorded policy string gives the guest a network (null: no). */
    public static boolean networked(String text) {
        return text != null && !OFF.is(text);
    }

    /** A request's policy: null means off; case and surrounding blanks are ignored. */
    public static Optional<NetworkPolicy> parse(String raw) {
        return of(raw == null ? OFF.value : raw.trim().toLowerCase(Locale.ROOT));
    }

    public static Optional<NetworkPolicy> of(String text) {
        for (NetworkPolicy policy : values()) {
            if (policy.value.equals(text)) {
                return Optional.of(policy);
            }
        }
        return Optional.empty();
    }

    @JsonCreator
    static NetworkPolicy fromJson(String text) {
        return of(text).orElseThrow(() -> new IllegalArgumentException("unknown network policy: " + text));
    }

    @Override
    public String toString() {
        return value;
    }
}
