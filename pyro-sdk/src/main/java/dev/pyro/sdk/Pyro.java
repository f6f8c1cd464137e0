package dev.pyro.sdk;

import dev.pyro.engine.backend.vm.GuestKernels;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.doctor.Doctor;
import dev.pyro.engine.doctor.DoctorReport;
import dev.pyro.engine.environment.EnvironmentInfo;
import dev.pyro.engine.environment.PruneResult;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.engine.progress.Progress;
import dev.pyro.engine.server.EngineClient;
import dev.pyro.engine.server.EnvironmentOperations;
import dev.pyro.engine.vms.ReapResult;
import dev.pyro.engine.vms.VmDeleteResult;
import dev.pyro.engine.vms.VmExecResult;
import dev.pyro.engine.vms.VmNetworkInfo;
import dev.pyro.engine.vms.VmRequest;
import dev.pyro.engine.vms.VmStatus;
import java.util.List;

/**
 * The Java SDK: one method per public operation, returning records that serialize to the JSON
 * payloads the CLI ({@code --json}) and the MCP server return. Errors meant for users are
 * {@link dev.pyro.engine.PyroException}s with a message that says what to fix.
 *
 * <p>{@link #create()} talks to the engine daemon of the state dir (starting it when none answers),
 * so sandboxes outlive this process and a Ctrl-C still deletes the VM of a run.
 * {@link #embedded(PyroPaths)} runs the engine in this process instead. Environment operations and
 * doctor only touch files and run in this process either way.
 */
public final class Pyro implements AutoCloseable {

    private final PyroPaths paths;
    private final VmService vms;
    private final EnvironmentOperations environments;

    /** An engine in this process; the same as {@link #embedded(PyroPaths)}. */
    public Pyro(PyroPaths paths) {
        this(paths, new EmbeddedVmService(paths));
    }

    private Pyro(PyroPaths paths, VmService vms) {
        this.paths = paths;
        this.vms = vms;
        this.environments = new EnvironmentOperations(paths);
    }

    /** A client of the engine daemon for the default cache and state dirs (or PYRO_CACHE_DIR / PYRO_STATE_DIR). */
    public static Pyro create() {
        return create(PyroPaths.fromEnvironment());
    }

    /** A client of the engine daemon that serves {@code paths.stateDir()}, started with these paths if needed. */
    public static Pyro create(PyroPaths paths) {
        return new Pyro(paths, new DaemonVmService(new EngineClient(paths)));
    }

    /** The engine in this process (tests, single-process apps); it locks the state dir against a daemon. */
    public static Pyro embedded(PyroPaths paths) {
        return new Pyro(paths, new EmbeddedVmService(paths));
    }

    // ------------------------------------------------------------------ one-shot VMs

    /** create → start → exec → delete, in one call (the {@code pyro run} path). */
    public VmExecResult runInVm(VmRequest request, String command, int timeoutSeconds) {
        return runInVm(request, command, timeoutSeconds, Progress.NONE, GuestExec.Listener.NONE);
    }

    public VmExecResult runInVm(VmRequest request, String command, int timeoutSeconds, Progress progress,
                                GuestExec.Listener output) {
        return vms.run(request, command, timeoutSeconds, progress, output);
    }

    public VmStatus createVm(VmRequest request) {
        return vms.create(request);
    }

    public VmStatus startVm(String vmId) {
        return vms.start(vmId);
    }

    /** Runs one command; the VM is deleted afterwards whatever the outcome. */
    public VmExecResult execVm(String vmId, String command, int timeoutSeconds) {
        return vms.exec(vmId, command, timeoutSeconds);
    }

    public VmStatus stopVm(String vmId) {
        return vms.stop(vmId);
    }

    public VmDeleteResult deleteVm(String vmId) {
        return vms.delete(vmId);
    }

    public VmStatus statusVm(String vmId) {
        return vms.status(vmId);
    }

    public VmNetworkInfo networkInfoVm(String vmId) {
        return vms.networkInfo(vmId);
    }

    public ReapResult reapExpired() {
        return vms.reapExpired();
    }

    public PyroPaths paths() {
        return paths;
    }

    // ------------------------------------------------------------------ environments

    public List<EnvironmentInfo> listEnvironments() {
        return environments.list();
    }

    public EnvironmentInfo inspectEnvironment(String environment) {
        return environments.inspect(environment);
    }

    public EnvironmentInfo pullEnvironment(String environment) {
        return pullEnvironment(environment, false, Progress.NONE);
    }

    /**
     * Installs the environment if it is not installed (building it from Debian packages), and with
     * {@code withKernel} also the guest kernel the {@code vm} backend boots.
     */
    public EnvironmentInfo pullEnvironment(String environment, boolean withKernel, Progress progress) {
        return environments.pull(environment, withKernel, progress);
    }

    public PruneResult pruneEnvironments() {
        return environments.prune();
    }

    public DoctorReport doctor() {
        return new Doctor(paths, new GuestKernels(paths)).run();
    }

    @Override
    public void close() {
        vms.close();
    }
}
