package dev.pyro.engine.backend;

/** Limits every backend enforces the same way from the outside in, so a workspace behaves alike on each. */
public final class SandboxLimits {

    /**
     * Tasks one sandbox may hold. gVisor: the host cgroup of the sandbox (sentry and ptrace stubs
     * included; an idle sandbox uses ~90, a build a few hundred), and at the cap the sandbox ends.
     * vm: the guest's cgroup that every command runs in (init and the agent stay outside it), so
     * forks fail inside the guest and the workspace keeps answering. gVisor of an ordinary user
     * (runsc --ignore-cgroups: host cgroups are root's): gVisor's own pids cgroup inside the sandbox,
     * made by init, so forks fail inside as in a VM (the sentry's ptrace stubs are not counted).
     *
     * <p>Rootless gVisor has no cgroup memory or CPU bound: runsc applies linux.resources only through
     * host cgroups, gVisor's in-sandbox memory cgroup counts but does not enforce (measured: 300 MiB
     * written to a tmpfs under a 100 MiB memory.limit_in_bytes), and this runsc has no
     * --total-memory. Memory is bounded by the engine instead ({@code GvisorMemoryWatch}: a sandbox
     * over mem_mib plus gVisor's own share is ended within ~2 s, as root's cgroup OOM ends it). The
     * guest still sees the host's memory and CPU count, and CPU is not bounded; the vm backend
     * (QEMU -m, -smp) keeps both bounds for an ordinary user.
     */
    public static final int PIDS_MAX = 1024;

    private SandboxLimits() {
    }
}
