package dev.pyro.api.state;

import java.util.Locale;
import java.util.Optional;

/** A workspace's network policy (spec §7.2). The JSON and record form is {@link #value()}. */
public enum NetworkPolicy implements WireValue {
    OFF("off"),
    EGRESS("egress"),
    EGRESS_PUBLISHED_PORTS("egress+published-ports");

    /** The error text for anything else, as the spec words it. */
    public static final String CHOICES = "network_policy must be one of: off, egress, egress+published-ports";

    private final String value;

    NetworkPolicy(String value) {
        this.value = value;
    }

    @Override
    public String value() {
        return value;
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
        return WireValue.find(NetworkPolicy.class, text);
    }

    @Override
    public String toString() {
        return value;
    }
}
