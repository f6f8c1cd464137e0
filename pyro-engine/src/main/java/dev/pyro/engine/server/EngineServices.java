package dev.pyro.engine.server;

import dev.pyro.api.engine.EngineInfo;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.provision.Capacity;
import dev.pyro.engine.vms.VmManager;
import dev.pyro.engine.workspace.WorkspaceManager;
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
                   Supplier<EngineInfo> info, Runnable shutdown) {
        // max_active counts VMs plus every workspace: one Capacity, to which each manager adds its own.
        Capacity capacity = new Capacity(settings.maxActiveVms());
        this.vms = new VmManager(paths, capacity);
        this.workspaces = new WorkspaceManager(paths, capacity);
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
