package dev.pyro.api.state;

import java.util.Optional;

/**
 * Where a sandbox runs commands, as every result reports it ({@code execution_mode}): in a QEMU
 * microVM, in gVisor, or on the host without isolation. The JSON and record form is
 * {@link #value()}, the same string as before the enum existed.
 */
public enum ExecutionMode implements WireValue {
    GUEST_VM("guest_vm"),
    GUEST_GVISOR("guest_gvisor"),
    HOST_COMPAT("host_compat");

    private final String value;

    ExecutionMode(String value) {
        this.value = value;
    }

    @Override
    public String value() {
        return value;
    }

    /** The constant whose string is {@code text}, if any. */
    public static Optional<ExecutionMode> of(String text) {
        return WireValue.find(ExecutionMode.class, text);
    }

    @Override
    public String toString() {
        return value;
    }
}
