package dev.pyro.engine.backend;

/** Limits every backend enforces the same way from the outside in, so a workspace behaves alike on each. */
public final class SandboxLimits {

    /**
     * Tasks one sandbox may hold. gVisor: the host cgroup of the sandbox (sentry and ptrace stubs
     * included; an idle sandbox uses ~90, a build a few hundred), and at the cap the sandbox ends.
     * vm: the guest's cgroup that every command runs in (init and the agent stay outside it), so
     * forks fail inside the guest and the workspace keeps answering.
     */
    public static final int PIDS_MAX = 1024;

    private SandboxLimits() {
    }
}
