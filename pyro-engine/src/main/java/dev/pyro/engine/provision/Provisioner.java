package dev.pyro.engine.provision;

import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.BackendChoice;
import dev.pyro.engine.backend.BackendSelector;
import dev.pyro.engine.backend.SandboxBackend;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.backend.SandboxRequest;
import dev.pyro.engine.backend.vm.GuestKernels;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.api.PyroPaths;
import dev.pyro.engine.environment.EnvironmentCatalog;
import dev.pyro.engine.environment.EnvironmentInstaller;
import dev.pyro.engine.environment.EnvironmentSpec;
import dev.pyro.engine.environment.EnvironmentStore;
import dev.pyro.engine.environment.InstallState;
import dev.pyro.api.Progress;
import dev.pyro.api.vm.VmLimits;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The one create path of every sandbox, one-shot VM or workspace: {@link #provision} runs the
 * sequence once for both, and the kind fills in its parts through a {@link SandboxPlan} (a
 * workspace's policy, seed, secrets, start and import; each kind's record). One sequence, so the
 * order of checks (which error a request with several faults gets first), the capacity rule and
 * the cleanup of a failed create cannot drift apart between the kinds.
 */
public final class Provisioner {

    private final PyroPaths paths;
    private final Capacity capacity;
    private final BackendSelector selector;
    private final EnvironmentStore environments;

    public Provisioner(PyroPaths paths, Capacity capacity) {
        this.paths = paths;
        this.capacity = capacity;
        this.selector = new BackendSelector(paths);
        this.environments = new EnvironmentStore(paths);
    }

    public Capacity capacity() {
        return capacity;
    }

    /**
     * Creates one sandbox: {@link #validate} (sizing, environment), the kind's checks,
     * {@link #admit} (reap the kind's expired sandboxes, then the shared {@link Capacity}), a new id
     * and dir, the kind's preparation of its dir (if any), {@link #backend} (the requested or best
     * backend) and the kind's acceptance of it, {@link #install} (the environment, with the kernel it
     * needs), the backend's create, the kind's steps after it, and its record. A failure after
     * anything of the sandbox may exist leaves nothing behind ({@link #discard}) and is named after
     * the kind ({@link #failed}); a kind that prepares no dir chooses its backend and install before
     * that point, so their errors reach the caller as they are.
     */
    public <T> T provision(SandboxPlan<T> plan, Progress progress) {
        SandboxAsk ask = plan.ask();
        EnvironmentSpec spec = validate(ask.vcpuCount(), ask.memMib(), ask.ttlSeconds(), ask.environment());
        plan.check();
        admit(plan::reapExpired);
        String id = plan.newId();
        SandboxDraft draft = new SandboxDraft(id, plan.dir(id), spec);
        if (!plan.preparesDir()) {
            choose(plan, ask, draft, progress);
        }
        try {
            if (plan.preparesDir()) {
                plan.prepare(draft);
                choose(plan, ask, draft, progress);
            }
            plan.beforeCreate(draft, progress);
            draft.sandbox = draft.backend().create(new SandboxRequest(id, spec, draft.install(), ask.vcpuCount(),
                    ask.memMib(), plan.network(), draft.dir().resolve(plan.sandboxDirName()), true));
            plan.afterCreate(draft, progress);
            return plan.record(draft);
        } catch (IOException | RuntimeException e) {
            discard(plan, draft);
            throw failed(plan.what(), e);
        } catch (InterruptedException e) {
            PyroException interrupted = interrupted(plan.what(), e);
            discard(plan, draft);
            throw interrupted;
        }
    }

    /** The backend (which the kind may refuse), then the environment installed for it. */
    private void choose(SandboxPlan<?> plan, SandboxAsk ask, SandboxDraft draft, Progress progress) {
        BackendChoice choice = backend(ask.backend(), plan.network(), ask.allowHostCompat(), progress);
        plan.accept(choice);
        draft.backend(choice.backend());
        draft.install(install(draft.spec(), progress));
    }

    /** A failed create leaves nothing behind: what the kind holds of it, its sandbox, its dir (no record). */
    private static void discard(SandboxPlan<?> plan, SandboxDraft draft) {
        plan.discarding(draft.id());
        discard(draft.backend(), draft.sandbox, draft.dir());
    }

    /** The spec's sizing limits, then the environment: checked before anything exists. */
    private EnvironmentSpec validate(int vcpuCount, int memMib, int ttlSeconds, String environment) {
        VmLimits.validate(vcpuCount, memMib, ttlSeconds);
        return EnvironmentCatalog.get(environment);
    }

    /** Expired sandboxes of the kind being created free their slots first; then the shared limit. */
    private void admit(Runnable reapExpired) {
        reapExpired.run();
        capacity.check();
    }

    /** The backend asked for ({@code auto}, vm, gvisor or host), or why it cannot serve. */
    private BackendChoice backend(String requested, boolean network, boolean allowHostCompat, Progress progress) {
        return selector.select(BackendSelector.requested(requested), network, allowHostCompat, progress);
    }

    /** The environment installed (pulled if needed), matched to the guest kernel when one is known. */
    public InstallState install(EnvironmentSpec spec, Progress progress) {
        return new EnvironmentInstaller(environments, new GuestKernels(paths)::expectedVersionIfKnown)
                .ensureInstalled(spec.name(), progress);
    }

    /** A failed create leaves nothing behind: its sandbox (if one was made), then its dir. */
    private static void discard(SandboxBackend backend, SandboxRecord sandbox, Path dir) {
        try {
            if (backend != null && sandbox != null) {
                backend.delete(sandbox);
            }
        } catch (IOException | RuntimeException e) {
            // the dir removal below takes what is left
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            FileTrees.deleteRecursively(dir);
        } catch (IOException e) {
            // best effort: a dir without a record is ignored, and removed at the next engine start or prune
        }
    }

    /** The error a failed create reports: the engine's own as is, anything else named ({@code what}: sandbox, workspace). */
    private static PyroException failed(String what, Exception e) {
        return e instanceof PyroException p ? p
                : PyroException.runtime("creating the " + what + " failed: " + ErrorText.of(e), e);
    }

    private static PyroException interrupted(String what, InterruptedException e) {
        Thread.currentThread().interrupt();
        return PyroException.runtime("interrupted while creating the " + what, e);
    }
}
