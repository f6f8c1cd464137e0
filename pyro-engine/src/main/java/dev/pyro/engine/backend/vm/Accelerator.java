package dev.pyro.engine.backend.vm;

import dev.pyro.api.state.WireValue;

/**
 * How QEMU runs a guest: under KVM, or TCG (in software). {@link #value()} is QEMU's {@code -accel}
 * name and the string a VM sandbox records as its {@code accelerator} metadata and a warm template
 * key holds, which stay strings.
 */
public enum Accelerator implements WireValue {
    KVM("kvm"),
    TCG("tcg");

    private final String value;

    Accelerator(String value) {
        this.value = value;
    }

    /** KVM when the KVM boot probe passed, else TCG. */
    public static Accelerator of(boolean kvm) {
        return kvm ? KVM : TCG;
    }

    @Override
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
