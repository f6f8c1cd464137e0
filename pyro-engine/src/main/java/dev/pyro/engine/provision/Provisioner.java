package dev.pyro.engine.provision;

import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.BackendChoice;
import dev.pyro.engine.backend.BackendSelector;
import dev.pyro.engine.backend.SandboxBackend;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.backend.vm.GuestKernels;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.config.PyroPaths;
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
 * The steps every new sandbox goes through, one-shot VM or workspace, in this order: {@link #validate}
 * (sizing, environment), {@link #admit} (reap the expired, then the shared {@link Capacity}),
 * {@link #backend} (the requested or best backend), {@link #install} (the environment, with the
 * kernel it needs), the backend's create, and on failure {@link #discard} and {@link #failed}.
 * What differs (a workspace's seed, secrets and policy; a VM's record) stays with its manager.
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

    /** The spec's sizing limits, then the environment: checked before anything exists. */
    public EnvironmentSpec validate(int vcpuCount, int memMib, int ttlSeconds, String environment) {
        VmLimits.validate(vcpuCount, memMib, ttlSeconds);
        return EnvironmentCatalog.get(environment);
    }

    /** Expired sandboxes of the kind being created free their slots first; then the shared limit. */
    public void admit(Runnable reapExpired) {
        reapExpired.run();
        capacity.check();
    }

    /** The backend asked for ({@code auto}, vm, gvisor or host), or why it cannot serve. */
    public BackendChoice backend(String requested, boolean network, boolean allowHostCompat, Progress progress) {
        return selector.select(BackendSelector.requested(requested), network, allowHostCompat, progress);
    }

    /** The environment installed (pulled if needed), matched to the guest kernel when one is known. */
    public InstallState install(EnvironmentSpec spec, Progress progress) {
        return new EnvironmentInstaller(environments, new GuestKernels(paths)::expectedVersionIfKnown)
                .ensureInstalled(spec.name(), progress);
    }

    /** A failed create leaves nothing behind: its sandbox (if one was made), then its dir. */
    public static void discard(SandboxBackend backend, SandboxRecord sandbox, Path dir) {
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
    public static PyroException failed(String what, Exception e) {
        return e instanceof PyroException p ? p
                : PyroException.runtime("creating the " + what + " failed: " + ErrorText.of(e), e);
    }

    public static PyroException interrupted(String what, InterruptedException e) {
        Thread.currentThread().interrupt();
        return PyroException.runtime("interrupted while creating the " + what, e);
    }
}
