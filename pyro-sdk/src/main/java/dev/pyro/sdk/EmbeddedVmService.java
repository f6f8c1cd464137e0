package dev.pyro.sdk;

import dev.pyro.engine.PyroException;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.engine.progress.Progress;
import dev.pyro.engine.server.EngineFiles;
import dev.pyro.engine.server.EngineLock;
import dev.pyro.engine.server.EngineSettings;
import dev.pyro.engine.vms.ReapResult;
import dev.pyro.engine.vms.VmDeleteResult;
import dev.pyro.engine.vms.VmExecResult;
import dev.pyro.engine.vms.VmManager;
import dev.pyro.engine.vms.VmNetworkInfo;
import dev.pyro.engine.vms.VmRequest;
import dev.pyro.engine.vms.VmStatus;
import java.io.IOException;

/**
 * VM operations in this process (tests, single-process apps). It is the state dir's engine while
 * open, so it takes the engine lock: a daemon and an embedded engine must not both own the VMs.
 */
final class EmbeddedVmService implements VmService {

    private final PyroPaths paths;
    private VmManager vms;
    private EngineLock lock;

    EmbeddedVmService(PyroPaths paths) {
        this.paths = paths;
    }

    private synchronized VmManager vms() {
        if (vms == null) {
            EngineFiles files = new EngineFiles(paths.stateDir());
            files.prepareStateDir();
            try {
                lock = EngineLock.tryAcquire(files.lock()).orElseThrow(() -> PyroException.runtime(
                        "another pyro engine manages " + paths.stateDir() + "; use Pyro.create() to share it, "
                                + "or give the embedded engine its own state dir", null));
            } catch (IOException e) {
                throw PyroException.runtime("cannot lock " + files.lock() + ": " + e.getMessage(), e);
            }
            vms = new VmManager(paths, EngineSettings.fromEnvironment().maxActiveVms());
        }
        return vms;
    }

    @Override
    public VmExecResult run(VmRequest request, String command, int timeoutSeconds, Progress progress,
                            GuestExec.Listener output) {
        return vms().run(request, command, timeoutSeconds, progress, output);
    }

    @Override
    public VmStatus create(VmRequest request) {
        return vms().create(request, Progress.NONE);
    }

    @Override
    public VmStatus start(String vmId) {
        return vms().start(vmId);
    }

    @Override
    public VmExecResult exec(String vmId, String command, int timeoutSeconds) {
        return vms().exec(vmId, command, timeoutSeconds, GuestExec.Listener.NONE);
    }

    @Override
    public VmStatus stop(String vmId) {
        return vms().stop(vmId);
    }

    @Override
    public VmDeleteResult delete(String vmId) {
        return vms().delete(vmId, "explicit_delete");
    }

    @Override
    public VmStatus status(String vmId) {
        return vms().status(vmId);
    }

    @Override
    public VmNetworkInfo networkInfo(String vmId) {
        return vms().networkInfo(vmId);
    }

    @Override
    public ReapResult reapExpired() {
        return vms().reapExpired();
    }

    @Override
    public synchronized void close() {
        if (vms != null) {
            vms.close();
            vms = null;
        }
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }
}
