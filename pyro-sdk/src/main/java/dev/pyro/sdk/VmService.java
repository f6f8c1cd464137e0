package dev.pyro.sdk;

import dev.pyro.engine.guest.GuestExec;
import dev.pyro.engine.progress.Progress;
import dev.pyro.engine.vms.ReapResult;
import dev.pyro.engine.vms.VmDeleteResult;
import dev.pyro.engine.vms.VmExecResult;
import dev.pyro.engine.vms.VmNetworkInfo;
import dev.pyro.engine.vms.VmRequest;
import dev.pyro.engine.vms.VmStatus;

/** The one-shot VM operations, served by the engine daemon or by an engine in this process. */
interface VmService extends AutoCloseable {

    VmExecResult run(VmRequest request, String command, int timeoutSeconds, Progress progress,
                     GuestExec.Listener output);

    VmStatus create(VmRequest request);

    VmStatus start(String vmId);

    VmExecResult exec(String vmId, String command, int timeoutSeconds);

    VmStatus stop(String vmId);

    VmDeleteResult delete(String vmId);

    VmStatus status(String vmId);

    VmNetworkInfo networkInfo(String vmId);

    ReapResult reapExpired();

    @Override
    void close();
}
