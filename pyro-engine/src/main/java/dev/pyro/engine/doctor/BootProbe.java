package dev.pyro.engine.doctor;

import dev.pyro.api.state.WireValue;

/**
 * What the KVM boot probe found: the strings of the doctor report's {@code boot_probe} and of the
 * cached probe result ({@code kvm-boot.json}), which stay strings; {@code not_run} says that no
 * probe could run (no usable /dev/kvm, or no guest kernel yet).
 */
public enum BootProbe implements WireValue {
    PASSED("passed"),
    FAILED("failed"),
    NOT_RUN("not_run");

    private final String value;

    BootProbe(String value) {
        this.value = value;
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
