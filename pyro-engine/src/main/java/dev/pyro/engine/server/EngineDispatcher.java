package dev.pyro.engine.server;

import dev.pyro.api.Defaults;
import dev.pyro.api.Json;
import dev.pyro.api.PyroException;
import dev.pyro.api.engine.EngineInfo;
import dev.pyro.api.engine.NoParams;
import dev.pyro.api.engine.Operation;
import dev.pyro.api.engine.Operations;
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
 * {@link DispatchStep}s. Around the whole call (the params' decoding included): the disconnect
 * guard's scope outermost ({@link DisconnectGuardScope}), then secret redaction, then agent error
 * translation. Between the decoding and the handler: the required
 * fields the operation declares ({@link RequiredFields}), so a params type error is still named
 * before a missing field, as when each handler checked its own fields.
 */
final class EngineDispatcher {

    /** One operation's handler: its typed params in, its result out. */
    interface Handler<P, R> {
        R handle(P params, RequestContext context);
    }

    /** A registered handler: how its params decode, and the typed handler. */
    private interface Untyped {
        Object decode(JsonNode params);

        Object handle(Object params, RequestContext context);
    }

    private final VmManager vms;
    private final EngineLog log;
    private final Map<String, Untyped> handlers = new LinkedHashMap<>();
    /** The cross-cutting steps around every call, its params' decoding included, outermost first. */
    private final List<DispatchStep> steps;
    /** The steps between the params' decoding and the handler. */
    private final List<DispatchStep> checks;

    EngineDispatcher(VmManager vms, WorkspaceManager workspaces, EnvironmentOperations environments,
                     Supplier<EngineInfo> info, Runnable shutdown, EngineLog log) {
        this.vms = vms;
        this.log = log;
        this.steps = List.of(new DisconnectGuardScope(), new SecretRedaction(workspaces),
                new AgentErrorTranslation(workspaces));
        this.checks = List.of(new RequiredFields(Operations.ALL));
        on(Operations.PING, (p, c) -> info.get());
        on(Operations.SHUTDOWN, (p, c) -> {
            EngineInfo now = info.get();
            shutdown.run();
            return now;
        });
        on(Operations.RUN_IN_VM, (p, c) -> vms.run(p.request(), p.command(), p.timeoutSeconds(), c.events(),
                c.events(), id -> c.guard().protect(id, "run_vm_error_cleanup")));
        on(Operations.CREATE_VM, (p, c) -> vms.create(p.request(), c.events()));
        on(Operations.START_VM, (p, c) -> vms.start(p.vmId()));
        on(Operations.EXEC_VM, (p, c) -> {
            // exec deletes the VM anyway: a gone client only hurries it
            c.guard().protect(p.vmId(), "post_exec_cleanup");
            return vms.exec(p.vmId(), p.command(), p.timeoutSeconds(), c.events());
        });
        on(Operations.STOP_VM, (p, c) -> vms.stop(p.vmId()));
        on(Operations.DELETE_VM, (p, c) -> vms.delete(p.vmId(), "explicit_delete"));
        on(Operations.STATUS_VM, (p, c) -> vms.status(p.vmId()));
        on(Operations.NETWORK_INFO_VM, (p, c) -> vms.networkInfo(p.vmId()));
        on(Operations.LIST_VMS, (p, c) -> vms.list());
        on(Operations.REAP_EXPIRED, (p, c) -> vms.reapExpired());
        on(Operations.LIST_ENVIRONMENTS, (p, c) -> environments.list());
        on(Operations.INSPECT_ENVIRONMENT, (p, c) -> environments.inspect(p.environment()));
        on(Operations.PULL_ENVIRONMENT, (p, c) -> environments.pull(p.environment(), p.withKernel(), c.events()));
        on(Operations.PRUNE_ENVIRONMENTS, (p, c) -> environments.prune());
        workspaceHandlers(workspaces);
    }

    private void workspaceHandlers(WorkspaceManager workspaces) {
        on(Operations.CREATE_WORKSPACE, (p, c) -> workspaces.create(p.request(), p.origin(), c.events()));
        on(Operations.LIST_WORKSPACES, (p, c) -> workspaces.list());
        on(Operations.STATUS_WORKSPACE, (p, c) -> workspaces.status(p.workspaceId()));
        on(Operations.UPDATE_WORKSPACE, (p, c) -> workspaces.update(p.workspaceId(), p.name(), p.clearName(),
                p.labels(), p.clearLabels()));
        on(Operations.EXEC_WORKSPACE, (p, c) -> workspaces.exec(p.workspaceId(), p.command(), p.timeoutSeconds(),
                p.secretEnv() == null ? java.util.Map.of() : p.secretEnv(), c.events()));
        on(Operations.LOGS_WORKSPACE, (p, c) -> workspaces.logs(p.workspaceId()));
        on(Operations.STOP_WORKSPACE, (p, c) -> workspaces.stop(p.workspaceId()));
        on(Operations.START_WORKSPACE, (p, c) -> workspaces.start(p.workspaceId()));
        on(Operations.RESET_WORKSPACE, (p, c) -> workspaces.reset(p.workspaceId(), p.snapshotName(), c.events()));
        WorkspaceShells shells = new WorkspaceShells(workspaces.context());
        on(Operations.OPEN_SHELL, (p, c) -> shells.open(p.workspaceId(), p.cwd(), or(p.cols(), Defaults.SHELL_COLS),
                or(p.rows(), Defaults.SHELL_ROWS), p.secretEnv()));
        on(Operations.READ_SHELL, (p, c) -> shells.read(p.workspaceId(), p.shellId(), or(p.cursor(), 0),
                or(p.maxChars(), Defaults.SHELL_READ_MAX_CHARS), p.plain(), p.waitForIdleMs()));
        on(Operations.WRITE_SHELL, (p, c) -> shells.write(p.workspaceId(), p.shellId(), p.input(),
                p.appendNewline() == null || p.appendNewline()));
        on(Operations.SIGNAL_SHELL, (p, c) -> shells.signal(p.workspaceId(), p.shellId(), p.signal()));
        on(Operations.CLOSE_SHELL, (p, c) -> shells.close(p.workspaceId(), p.shellId()));
        WorkspaceServices services = new WorkspaceServices(workspaces.context());
        on(Operations.START_SERVICE, (p, c) -> services.start(p.workspaceId(), p.serviceName(), p.command(),
                p.cwd(), p.readiness(), or(p.readyTimeoutSeconds(), Defaults.SERVICE_READY_TIMEOUT_SECONDS),
                or(p.readyIntervalMs(), Defaults.SERVICE_READY_INTERVAL_MS), p.secretEnv(), p.publishedPorts()));
        on(Operations.LIST_SERVICES, (p, c) -> services.list(p.workspaceId()));
        on(Operations.STATUS_SERVICE, (p, c) -> services.status(p.workspaceId(), p.serviceName()));
        on(Operations.LOGS_SERVICE, (p, c) -> services.logs(p.workspaceId(), p.serviceName(),
                p.allLines() ? null : or(p.tailLines(), Defaults.SERVICE_TAIL_LINES)));
        on(Operations.STOP_SERVICE, (p, c) -> services.stop(p.workspaceId(), p.serviceName()));
        WorkspaceSnapshots snapshots = new WorkspaceSnapshots(workspaces.context());
        on(Operations.CREATE_SNAPSHOT, (p, c) -> snapshots.create(p.workspaceId(), p.snapshotName()));
        on(Operations.LIST_SNAPSHOTS, (p, c) -> snapshots.list(p.workspaceId()));
        on(Operations.DELETE_SNAPSHOT, (p, c) -> snapshots.delete(p.workspaceId(), p.snapshotName()));
        on(Operations.DELETE_WORKSPACE, (p, c) -> workspaces.delete(p.workspaceId()));
        Preparer preparer = new Preparer(workspaces.paths(), workspaces, workspaces.clock());
        on(Operations.PREPARE, (p, c) -> preparer.prepare(p.environment(), p.network(), p.force(), p.backend(),
                c.events()));
        WorkspaceFiles files = new WorkspaceFiles(workspaces.context());
        on(Operations.PUSH_WORKSPACE_SYNC, (p, c) -> files.syncPush(p.workspaceId(), p.sourcePath(), p.dest()));
        on(Operations.LIST_WORKSPACE_FILES, (p, c) -> files.list(p.workspaceId(), p.path(), p.recursive()));
        on(Operations.READ_WORKSPACE_FILE, (p, c) -> files.read(p.workspaceId(), p.path(),
                p.maxBytes() == null ? Defaults.FILE_READ_MAX_BYTES : p.maxBytes()));
        on(Operations.WRITE_WORKSPACE_FILE, (p, c) -> files.write(p.workspaceId(), p.path(), p.text()));
        on(Operations.APPLY_WORKSPACE_PATCH, (p, c) -> files.applyPatch(p.workspaceId(), p.patch()));
        on(Operations.DIFF_WORKSPACE, (p, c) -> files.diff(p.workspaceId()));
        on(Operations.EXPORT_WORKSPACE, (p, c) -> files.export(p.workspaceId(), p.path(), p.outputPath(),
                p.overwrite()));
        on(Operations.SUMMARIZE_WORKSPACE, (p, c) -> files.summary(p.workspaceId()));
        WorkspaceDisk disk = new WorkspaceDisk(workspaces.context());
        on(Operations.EXPORT_WORKSPACE_DISK, (p, c) -> disk.export(p.workspaceId(), p.outputPath()));
        on(Operations.LIST_WORKSPACE_DISK, (p, c) -> disk.list(p.workspaceId(), p.path(), p.recursive()));
        on(Operations.READ_WORKSPACE_DISK, (p, c) -> disk.read(p.workspaceId(), p.path(),
                p.maxBytes() == null ? Defaults.DISK_READ_MAX_BYTES : p.maxBytes()));
    }

    /**
     * Registers the handler of {@code operation}; each operation has exactly one. Operations without
     * params never read them (any params, even none, are accepted as before).
     */
    @SuppressWarnings("unchecked")
    private <P, R> void on(Operation<P, R> operation, Handler<P, R> handler) {
        boolean none = operation.params() == NoParams.class;
        Untyped untyped = new Untyped() {
            @Override
            public Object decode(JsonNode node) {
                return none ? NoParams.INSTANCE : params(node, operation.params());
            }

            @Override
            public Object handle(Object params, RequestContext context) {
                return handler.handle((P) params, context);
            }
        };
        if (handlers.putIfAbsent(operation.name(), untyped) != null) {
            throw new IllegalStateException("two handlers for engine operation " + operation.name());
        }
    }

    /** The wire names of the registered operations, in registration order (for the test that each has one). */
    Set<String> operations() {
        return java.util.Collections.unmodifiableSet(handlers.keySet());
    }

    private static int or(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    Object dispatch(String method, JsonNode params, RequestContext context) {
        Untyped handler = handlers.get(method);
        if (handler == null) {
            throw PyroException.invalid("unknown engine method '" + method + "'");
        }
        DispatchStep.Call call = new DispatchStep.Call(method, params, context);
        return DispatchStep.run(steps, call, () -> {
            Object typed = handler.decode(params); // a type error or a bad id first, then a missing field
            return DispatchStep.run(checks, call, () -> handler.handle(typed, context));
        });
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
}
