package dev.pyro.api.ids;

/** A checked VM id (12 lowercase hex characters); {@code vms/<id>} is made from nothing else. */
public record VmId(String value) {

    public static final String FIELD = "vm_id";

    public VmId {
        Identifiers.hex12(FIELD, value);
    }

    public static VmId of(String raw) {
        return new VmId(raw);
    }

    public static VmId random() {
        return new VmId(Identifiers.newHex12());
    }

    @Override
    public String toString() {
        return value;
    }
}
