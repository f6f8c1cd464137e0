package dev.pyro.sdk;

import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.doctor.Doctor;
import dev.pyro.engine.doctor.DoctorReport;
import dev.pyro.engine.environment.EnvironmentCatalog;
import dev.pyro.engine.environment.EnvironmentInfo;
import dev.pyro.engine.environment.EnvironmentInstaller;
import dev.pyro.engine.environment.EnvironmentStore;
import dev.pyro.engine.environment.PruneResult;
import dev.pyro.engine.progress.Progress;
import dev.pyro.engine.backend.vm.GuestKernels;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.engine.vms.ReapResult;
import dev.pyro.engine.vms.VmDeleteResult;
import dev.pyro.engine.vms.VmExecResult;
import dev.pyro.engine.vms.VmLimits;
import dev.pyro.engine.vms.VmManager;
import dev.pyro.engine.vms.VmNetworkInfo;
import dev.pyro.engine.vms.VmRequest;
import dev.pyro.engine.vms.VmStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The Java SDK: one method per public operation, returning records that serialize to the JSON
 * payloads the CLI ({@code --json}) and the MCP server return. Errors meant for users are
 * {@link dev.pyro.engine.PyroException}s with a message that says what to fix.
 */
public final class Pyro implements AutoCloseable {

    private final PyroPaths paths;
    private final EnvironmentStore environments;
    private final GuestKernels kernels;
    private VmManager vms;

    public Pyro(PyroPaths paths) {
        this.paths = paths;
        this.environments = new EnvironmentStore(paths);
        this.kernels = new GuestKernels(paths);
    }

    private synchronized VmManager vms() {
        if (vms == null) {
            vms = new VmManager(paths, maxActiveVms());
        }
        return vms;
    }

    private static int maxActiveVms() {
        String value = System.getenv("PYRO_MAX_ACTIVE_VMS");
        try {
            return value == null || value.isBlank() ? VmLimits.DEFAULT_MAX_ACTIVE_VMS : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw dev.pyro.engine.PyroException.invalid("PYRO_MAX_ACTIVE_VMS must be a whole number, not '" + value + "'");
        }
    }

    // ------------------------------------------------------------------ one-shot VMs

    /** create → start → exec → delete, in one call (the {@code pyro run} path). */
    public VmExecResult runInVm(VmRequest request, String command, int timeoutSeconds) {
        return runInVm(request, command, timeoutSeconds, Progress.NONE, GuestExec.Listener.NONE);
    }

    public VmExecResult runInVm(VmRequest request, String command, int timeoutSeconds, Progress progress,
                                GuestExec.Listener output) {
        return vms().run(request, command, timeoutSeconds, progress, output);
    }

    public VmStatus createVm(VmRequest request) {
        return vms().create(request, Progress.NONE);
    }

    public VmStatus startVm(String vmId) {
        return vms().start(vmId);
    }

    /** Runs one command; the VM is deleted afterwards whatever the outcome. */
    public VmExecResult execVm(String vmId, String command, int timeoutSeconds) {
        return vms().exec(vmId, command, timeoutSeconds, GuestExec.Listener.NONE);
    }

    public VmStatus stopVm(String vmId) {
        return vms().stop(vmId);
    }

    public VmDeleteResult deleteVm(String vmId) {
        return vms().delete(vmId, "explicit_delete");
    }

    public VmStatus statusVm(String vmId) {
        return vms().status(vmId);
    }

    public VmNetworkInfo networkInfoVm(String vmId) {
        return vms().networkInfo(vmId);
    }

    public ReapResult reapExpired() {
        return vms().reapExpired();
    }

    /** A client using the default cache and state dirs (or PYRO_CACHE_DIR / PYRO_STATE_DIR). */
    public static Pyro create() {
        return new Pyro(PyroPaths.fromEnvironment());
    }

    public PyroPaths paths() {
        return paths;
    }

    public List<EnvironmentInfo> listEnvironments() {
        return environments.list();
    }

    public EnvironmentInfo inspectEnvironment(String environment) {
        return environments.info(EnvironmentCatalog.get(environment));
    }

    public EnvironmentInfo pullEnvironment(String environment) {
        return pullEnvironment(environment, false, Progress.NONE);
    }

    /**
     * Installs the environment if it is not installed (building it from Debian packages), and with
     * {@code withKernel} also the guest kernel the {@code vm} backend boots.
     */
    public EnvironmentInfo pullEnvironment(String environment, boolean withKernel, Progress progress) {
        EnvironmentCatalog.get(environment); // unknown names fail before anything is built
        new EnvironmentInstaller(environments, kernels::expectedVersion).ensureInstalled(environment, progress);
        if (withKernel) {
            kernels.ensureBuilt(progress);
        }
        return inspectEnvironment(environment);
    }

    public PruneResult pruneEnvironments() {
        try {
            return environments.prune();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public DoctorReport doctor() {
        return new Doctor(paths, kernels).run();
    }

    @Override
    public synchronized void close() {
        if (vms != null) {
            vms.close();
        }
    }
}
