package dev.pyro.engine.server;

import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.vms.VmManager;
import dev.pyro.engine.workspace.WorkspaceManager;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * What an engine serves, daemon or embedded: one-shot VMs and workspaces sharing one capacity, the
 * environment operations, and the dispatcher that maps method names onto them.
 */
final class EngineServices implements AutoCloseable {

    private final VmManager vms;
    private final WorkspaceManager workspaces;
    private final EngineDispatcher dispatcher;

    EngineServices(PyroPaths paths, EngineSettings settings, EngineLog log,
                   Supplier<EngineProtocol.EngineInfo> info, Runnable shutdown) {
        // max_active counts VMs plus every workspace; each manager asks the other for its share.
        AtomicReference<WorkspaceManager> workspaceRef = new AtomicReference<>();
        this.vms = new VmManager(paths, settings.maxActiveVms(),
                () -> workspaceRef.get() == null ? 0 : workspaceRef.get().count());
        this.workspaces = new WorkspaceManager(paths, settings.maxActiveVms(), vms::activeCount);
        workspaceRef.set(workspaces);
        workspaces.removeOrphans(); // this engine is the state dir's only one: no create is in flight
        this.dispatcher = new EngineDispatcher(vms, workspaces, new EnvironmentOperations(paths), info, shutdown, log);
    }

    VmManager vms() {
        return vms;
    }

    WorkspaceManager workspaces() {
        return workspaces;
    }

    EngineDispatcher dispatcher() {
        return dispatcher;
    }

    @Override
    public void close() {
        vms.close();
        workspaces.close();
    }
}
