package dev.pyro.engine.backend;

/**
 * Whether a running sandbox is stuck on its host side. A VM whose disk overlay could not grow (the
 * state filesystem is full) is paused by QEMU instead of failing the guest's writes, so nothing the
 * guest wrote is lost; it can go on once space is back.
 */
public enum SandboxStall {
    /** Running normally (or the backend has no such state). */
    NONE,
    /** It was paused on a full disk; space was back and it runs again. */
    RESUMED,
    /** Paused on a full disk, and still no room: the user has to free space. */
    DISK_FULL
}
