package dev.pyro.engine.server;

import static dev.pyro.engine.server.RequiredFields.required;

import dev.pyro.api.Defaults;
import dev.pyro.api.Json;
import dev.pyro.api.PyroException;
import dev.pyro.api.engine.CreateParams;
import dev.pyro.api.engine.EngineInfo;
import dev.pyro.api.engine.EnvironmentParams;
import dev.pyro.api.engine.ExecParams;
import dev.pyro.api.engine.NoParams;
import dev.pyro.api.engine.Operation;
import dev.pyro.api.engine.Operations;
import dev.pyro.api.engine.PrepareParams;
import dev.pyro.api.engine.RunParams;
import dev.pyro.api.engine.ServiceParams;
import dev.pyro.api.engine.ShellParams;
import dev.pyro.api.engine.SnapshotParams;
import dev.pyro.api.engine.VmParams;
import dev.pyro.api.engine.WorkspaceCreateParams;
import dev.pyro.api.engine.WorkspaceDiskParams;
import dev.pyro.api.engine.WorkspaceExecParams;
import dev.pyro.api.engine.WorkspaceFileParams;
import dev.pyro.api.engine.WorkspaceParams;
import dev.pyro.api.engine.WorkspaceUpdateParams;
import dev.pyro.api.vm.VmRequest;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.engine.prepare.Preparer;
import dev.pyro.engine.vms.VmManager;
import dev.pyro.engine.workspace.WorkspaceFiles;
import dev.pyro.engine.workspace.WorkspaceManager;
import dev.pyro.engine.workspace.WorkspaceSnapshots;
import dev.pyro.engine.workspace.disk.WorkspaceDisk;
import dev.pyro.engine.workspace.service.WorkspaceServices;
import dev.pyro.engine.workspace.shell.WorkspaceShells;
import dev.pyro.protocol.ErrorText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Turns a method name and its params into a call on the VM and workspace managers or the environment
 * operations: one typed handler per {@link Operations} entry, run inside the cross-cutting
 * {@link DispatchStep}s (secret redaction outermost, then agent error translation).
 */
final class EngineDispatcher {

    /** One operation's handler: its typed params in, its result out. */
    interface Handler<P, R> {
        R handle(P params, RequestContext context);
    }

    private interface Untyped {
        Object handle(JsonNode params, RequestContext context);
    }

    private final VmManager vms;
    private final EngineLog log;
    private final Map<String, Untyped> handlers = new LinkedHashMap<>();
    /** The cross-cutting steps around every handler, outermost first. */
    private final List<DispatchStep> steps;

    EngineDispatcher(VmManager vms, WorkspaceManager workspaces, EnvironmentOperations environments,
                     Supplier<EngineInfo> info, Runnable shutdown, EngineLog log) {
        this.vms = vms;
        this.log = log;
        this.steps = List.of(new SecretRedaction(workspaces), new AgentErrorTranslation(workspaces));
        on(Operations.PING, (p, c) -> info.get());
        on(Operations.SHUTDOWN, (p, c) -> {
            EngineInfo now = info.get();
            shutdown.run();
            return now;
        });
        on(Operations.RUN_IN_VM, (p, c) -> {
            RunParams run = p;
            return vms.run(request(run.request()), required(run.command(), "command"), run.timeoutSeconds(),
                    c.events(), c.events(), id -> c.guard().protect(id, "run_vm_error_cleanup"));
        });
        on(Operations.CREATE_VM,
                (p, c) -> vms.create(request(p.request()), c.events()));
        on(Operations.START_VM, (p, c) -> vms.start(required(p.vmId(), "vm_id")));
        on(Operations.EXEC_VM, (p, c) -> {
            ExecParams exec = p;
            String id = required(exec.vmId(), "vm_id");
            c.guard().protect(id, "post_exec_cleanup"); // exec deletes the VM anyway: a gone client only hurries it
            return vms.exec(id, required(exec.command(), "command"), exec.timeoutSeconds(), c.events());
        });
        on(Operations.STOP_VM, (p, c) -> vms.stop(required(p.vmId(), "vm_id")));
        on(Operations.DELETE_VM, (p, c) -> vms.delete(required(p.vmId(), "vm_id"), "explicit_delete"));
        on(Operations.STATUS_VM, (p, c) -> vms.status(required(p.vmId(), "vm_id")));
        on(Operations.NETWORK_INFO_VM, (p, c) -> vms.networkInfo(required(p.vmId(), "vm_id")));
        on(Operations.LIST_VMS, (p, c) -> vms.list());
        on(Operations.REAP_EXPIRED, (p, c) -> vms.reapExpired());
        on(Operations.LIST_ENVIRONMENTS, (p, c) -> environments.list());
        on(Operations.INSPECT_ENVIRONMENT, (p, c) -> environments.inspect(
                required(p.environment(), "environment")));
        on(Operations.PULL_ENVIRONMENT, (p, c) -> {
            EnvironmentParams pull = p;
            return environments.pull(required(pull.environment(), "environment"), pull.withKernel(), c.events());
        });
        on(Operations.PRUNE_ENVIRONMENTS, (p, c) -> environments.prune());
        workspaceHandlers(workspaces);
    }

    private void workspaceHandlers(WorkspaceManager workspaces) {
        on(Operations.CREATE_WORKSPACE, (p, c) -> {
            WorkspaceCreateParams create = p;
            WorkspaceRequest request = required(create.request(), "request");
            required(request.environment(), "request.environment");
            return workspaces.create(request, create.origin(), c.events());
        });
        on(Operations.LIST_WORKSPACES, (p, c) -> workspaces.list());
        on(Operations.STATUS_WORKSPACE, (p, c) -> workspaces.status(required(p.workspaceId(), "workspace_id")));
        on(Operations.UPDATE_WORKSPACE, (p, c) -> {
            WorkspaceUpdateParams u = p;
            return workspaces.update(required(u.workspaceId(), "workspace_id"), u.name(), u.clearName(), u.labels(),
                    u.clearLabels());
        });
        on(Operations.EXEC_WORKSPACE, (p, c) -> {
            WorkspaceExecParams e = p;
            return workspaces.exec(required(e.workspaceId(), "workspace_id"), required(e.command(), "command"),
                    e.timeoutSeconds(), e.secretEnv() == null ? java.util.Map.of() : e.secretEnv(), c.events());
        });
        on(Operations.LOGS_WORKSPACE, (p, c) -> workspaces.logs(required(p.workspaceId(), "workspace_id")));
        on(Operations.STOP_WORKSPACE, (p, c) -> workspaces.stop(required(p.workspaceId(), "workspace_id")));
        on(Operations.START_WORKSPACE, (p, c) -> workspaces.start(required(p.workspaceId(), "workspace_id")));
        on(Operations.RESET_WORKSPACE, (p, c) -> {
            SnapshotParams r = p;
            return workspaces.reset(required(r.workspaceId(), "workspace_id"), r.snapshotName(), c.events());
        });
        WorkspaceShells shells = new WorkspaceShells(workspaces.context());
        on(Operations.OPEN_SHELL, (p, c) -> {
            ShellParams s = withWorkspace(p, p.workspaceId());
            return shells.open(s.workspaceId(), s.cwd(), or(s.cols(), Defaults.SHELL_COLS),
                    or(s.rows(), Defaults.SHELL_ROWS), s.secretEnv());
        });
        on(Operations.READ_SHELL, (p, c) -> {
            ShellParams s = withWorkspace(p, p.workspaceId());
            return shells.read(s.workspaceId(), required(s.shellId(), "shell_id"), or(s.cursor(), 0),
                    or(s.maxChars(), Defaults.SHELL_READ_MAX_CHARS), s.plain(), s.waitForIdleMs());
        });
        on(Operations.WRITE_SHELL, (p, c) -> {
            ShellParams s = withWorkspace(p, p.workspaceId());
            return shells.write(s.workspaceId(), required(s.shellId(), "shell_id"), s.input(),
                    s.appendNewline() == null || s.appendNewline());
        });
        on(Operations.SIGNAL_SHELL, (p, c) -> {
            ShellParams s = withWorkspace(p, p.workspaceId());
            return shells.signal(s.workspaceId(), required(s.shellId(), "shell_id"), s.signal());
        });
        on(Operations.CLOSE_SHELL, (p, c) -> {
            ShellParams s = withWorkspace(p, p.workspaceId());
            return shells.close(s.workspaceId(), required(s.shellId(), "shell_id"));
        });
        WorkspaceServices services = new WorkspaceServices(workspaces.context());
        on(Operations.START_SERVICE, (p, c) -> {
            ServiceParams s = withWorkspace(p, p.workspaceId());
            return services.start(s.workspaceId(), s.serviceName(), s.command(), s.cwd(), s.readiness(),
                    or(s.readyTimeoutSeconds(), Defaults.SERVICE_READY_TIMEOUT_SECONDS),
                    or(s.readyIntervalMs(), Defaults.SERVICE_READY_INTERVAL_MS), s.secretEnv(),
                    s.publishedPorts());
        });
        on(Operations.LIST_SERVICES, (p, c) -> services.list(required(p.workspaceId(), "workspace_id")));
        on(Operations.STATUS_SERVICE, (p, c) -> {
            ServiceParams s = withWorkspace(p, p.workspaceId());
            return services.status(s.workspaceId(), required(s.serviceName(), "service_name"));
        });
        on(Operations.LOGS_SERVICE, (p, c) -> {
            ServiceParams s = withWorkspace(p, p.workspaceId());
            return services.logs(s.workspaceId(), required(s.serviceName(), "service_name"),
                    s.allLines() ? null : or(s.tailLines(), Defaults.SERVICE_TAIL_LINES));
        });
        on(Operations.STOP_SERVICE, (p, c) -> {
            ServiceParams s = withWorkspace(p, p.workspaceId());
            return services.stop(s.workspaceId(), required(s.serviceName(), "service_name"));
        });
        WorkspaceSnapshots snapshots = new WorkspaceSnapshots(workspaces.context());
        on(Operations.CREATE_SNAPSHOT, (p, c) -> {
            SnapshotParams s = p;
            return snapshots.create(required(s.workspaceId(), "workspace_id"), required(s.snapshotName(), "snapshot_name"));
        });
        on(Operations.LIST_SNAPSHOTS, (p, c) -> snapshots.list(required(p.workspaceId(), "workspace_id")));
        on(Operations.DELETE_SNAPSHOT, (p, c) -> {
            SnapshotParams s = p;
            return snapshots.delete(required(s.workspaceId(), "workspace_id"), required(s.snapshotName(), "snapshot_name"));
        });
        on(Operations.DELETE_WORKSPACE, (p, c) -> workspaces.delete(required(p.workspaceId(), "workspace_id")));
        Preparer preparer = new Preparer(workspaces.paths(), workspaces, workspaces.clock());
        on(Operations.PREPARE, (p, c) -> {
            PrepareParams prepare = p;
            return preparer.prepare(required(prepare.environment(), "environment"), prepare.network(), prepare.force(),
                    prepare.backend(), c.events());
        });
        WorkspaceFiles files = new WorkspaceFiles(workspaces.context());
        on(Operations.PUSH_WORKSPACE_SYNC, (p, c) -> {
            WorkspaceFileParams f = withWorkspace(p, p.workspaceId());
            return files.syncPush(f.workspaceId(), f.sourcePath(), f.dest());
        });
        on(Operations.LIST_WORKSPACE_FILES, (p, c) -> {
            WorkspaceFileParams f = withWorkspace(p, p.workspaceId());
            return files.list(f.workspaceId(), f.path(), f.recursive());
        });
        on(Operations.READ_WORKSPACE_FILE, (p, c) -> {
            WorkspaceFileParams f = withWorkspace(p, p.workspaceId());
            return files.read(f.workspaceId(), required(f.path(), "path"),
                    f.maxBytes() == null ? Defaults.FILE_READ_MAX_BYTES : f.maxBytes());
        });
        on(Operations.WRITE_WORKSPACE_FILE, (p, c) -> {
            WorkspaceFileParams f = withWorkspace(p, p.workspaceId());
            return files.write(f.workspaceId(), required(f.path(), "path"), required(f.text(), "text"));
        });
        on(Operations.APPLY_WORKSPACE_PATCH, (p, c) -> {
            WorkspaceFileParams f = withWorkspace(p, p.workspaceId());
            return files.applyPatch(f.workspaceId(), required(f.patch(), "patch"));
        });
        on(Operations.DIFF_WORKSPACE, (p, c) -> files.diff(required(p.workspaceId(), "workspace_id")));
        on(Operations.EXPORT_WORKSPACE, (p, c) -> {
            WorkspaceFileParams f = withWorkspace(p, p.workspaceId());
            return files.export(f.workspaceId(), required(f.path(), "path"), f.outputPath(), f.overwrite());
        });
        on(Operations.SUMMARIZE_WORKSPACE, (p, c) -> files.summary(required(p.workspaceId(), "workspace_id")));
        WorkspaceDisk disk = new WorkspaceDisk(workspaces.context());
        on(Operations.EXPORT_WORKSPACE_DISK, (p, c) -> {
            WorkspaceDiskParams d = withWorkspace(p, p.workspaceId());
            return disk.export(d.workspaceId(), d.outputPath());
        });
        on(Operations.LIST_WORKSPACE_DISK, (p, c) -> {
            WorkspaceDiskParams d = withWorkspace(p, p.workspaceId());
            return disk.list(d.workspaceId(), d.path(), d.recursive());
        });
        on(Operations.READ_WORKSPACE_DISK, (p, c) -> {
            WorkspaceDiskParams d = withWorkspace(p, p.workspaceId());
            return disk.read(d.workspaceId(), required(d.path(), "path"),
                    d.maxBytes() == null ? Defaults.DISK_READ_MAX_BYTES : d.maxBytes());
        });
    }

    /**
     * Registers the handler of {@code operation}; each operation has exactly one. Operations without
     * params never read them (any params, even none, are accepted as before).
     */
    @SuppressWarnings("unchecked")
    private <P, R> void on(Operation<P, R> operation, Handler<P, R> handler) {
        Untyped untyped = operation.params() == NoParams.class
                ? (node, context) -> handler.handle((P) NoParams.INSTANCE, context)
                : (node, context) -> handler.handle(params(node, operation.params()), context);
        if (handlers.putIfAbsent(operation.name(), untyped) != null) {
            throw new IllegalStateException("two handlers for engine operation " + operation.name());
        }
    }

    /** The wire names of the registered operations, in registration order (for the test that each has one). */
    Set<String> operations() {
        return java.util.Collections.unmodifiableSet(handlers.keySet());
    }

    /** {@code params}, once its workspace id is there. */
    private static <T> T withWorkspace(T params, String workspaceId) {
        required(workspaceId, "workspace_id");
        return params;
    }

    private static int or(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    Object dispatch(String method, JsonNode params, RequestContext context) {
        Untyped handler = handlers.get(method);
        if (handler == null) {
            throw PyroException.invalid("unknown engine method '" + method + "'");
        }
        return DispatchStep.run(steps, new DispatchStep.Call(method, params, context),
                () -> handler.handle(params, context));
    }

    /** For {@link DisconnectGuard}: the run may have deleted its VM already, which is fine. */
    void deleteAbandonedVm(String vmId, String reason) {
        try {
            vms.delete(vmId, reason);
            log.info("client went away: deleted vm " + vmId);
        } catch (PyroException e) {
            log.info("client went away: vm " + vmId + " already gone (" + ErrorText.of(e) + ")");
        }
    }

    private static <T> T params(JsonNode node, Class<T> type) {
        if (node == null || !node.isObject()) {
            throw PyroException.invalid("engine request needs an object of params");
        }
        try {
            return Json.MAPPER.treeToValue(node, type);
        } catch (JacksonException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof PyroException checked) {
                    throw checked; // a params record refused a field (an id): its own message names it
                }
            }
            throw PyroException.invalid("invalid engine params: " + e.getOriginalMessage());
        }
    }

    private static VmRequest request(VmRequest request) {
        required(request, "request");
        required(request.environment(), "request.environment");
        return request;
    }
}
