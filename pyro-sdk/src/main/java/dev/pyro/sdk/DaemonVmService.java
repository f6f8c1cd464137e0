package dev.pyro.sdk;

import dev.pyro.engine.backend.BackendSelector;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.engine.progress.Progress;
import dev.pyro.engine.server.EngineClient;
import dev.pyro.engine.server.EngineProtocol;
import dev.pyro.engine.server.EngineProtocol.CreateParams;
import dev.pyro.engine.server.EngineProtocol.ExecParams;
import dev.pyro.engine.server.EngineProtocol.RunParams;
import dev.pyro.engine.server.EngineProtocol.VmParams;
import dev.pyro.engine.vms.ReapResult;
import dev.pyro.engine.vms.VmDeleteResult;
import dev.pyro.engine.vms.VmExecResult;
import dev.pyro.engine.vms.VmNetworkInfo;
import dev.pyro.engine.vms.VmRequest;
import dev.pyro.engine.vms.VmStatus;
import java.util.Map;

/** VM operations through the engine daemon of the state dir (started on first use). */
final class DaemonVmService implements VmService {

    private final EngineClient engine;

    DaemonVmService(EngineClient engine) {
        this.engine = engine;
    }

    @Override
    public VmExecResult run(VmRequest request, String command, int timeoutSeconds, Progress progress,
                            GuestExec.Listener output) {
        return engine.call(EngineProtocol.RUN_IN_VM, new RunParams(resolved(request), command, timeoutSeconds),
                VmExecResult.class, progress, output);
    }

    @Override
    public VmStatus create(VmRequest request) {
        return engine.call(EngineProtocol.CREATE_VM, new CreateParams(resolved(request)), VmStatus.class);
    }

    @Override
    public VmStatus start(String vmId) {
        return engine.call(EngineProtocol.START_VM, new VmParams(vmId), VmStatus.class);
    }

    @Override
    public VmExecResult exec(String vmId, String command, int timeoutSeconds) {
        return engine.call(EngineProtocol.EXEC_VM, new ExecParams(vmId, command, timeoutSeconds), VmExecResult.class);
    }

    @Override
    public VmStatus stop(String vmId) {
        return engine.call(EngineProtocol.STOP_VM, new VmParams(vmId), VmStatus.class);
    }

    @Override
    public VmDeleteResult delete(String vmId) {
        return engine.call(EngineProtocol.DELETE_VM, new VmParams(vmId), VmDeleteResult.class);
    }

    @Override
    public VmStatus status(String vmId) {
        return engine.call(EngineProtocol.STATUS_VM, new VmParams(vmId), VmStatus.class);
    }

    @Override
    public VmNetworkInfo networkInfo(String vmId) {
        return engine.call(EngineProtocol.NETWORK_INFO_VM, new VmParams(vmId), VmNetworkInfo.class);
    }

    @Override
    public ReapResult reapExpired() {
        return engine.call(EngineProtocol.REAP_EXPIRED, Map.of(), ReapResult.class);
    }

    /**
     * PYRO_BACKEND is the caller's setting, not the engine's (whose environment is that of whichever
     * client started it), so the default backend is resolved here.
     */
    private static VmRequest resolved(VmRequest request) {
        return request == null ? null : request.withBackend(BackendSelector.requested(request.backend()));
    }

    @Override
    public void close() {
        // one connection per call: nothing held open
    }
}
