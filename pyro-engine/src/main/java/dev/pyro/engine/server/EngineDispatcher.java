package dev.pyro.engine.server;

import dev.pyro.api.Defaults;
import dev.pyro.api.ids.WorkspaceId;
import dev.pyro.api.PyroException;
import dev.pyro.engine.prepare.Preparer;
import dev.pyro.api.Json;
import dev.pyro.engine.server.EngineProtocol.CreateParams;
import dev.pyro.engine.server.EngineProtocol.EngineInfo;
import dev.pyro.engine.server.EngineProtocol.EnvironmentParams;
import dev.pyro.engine.server.EngineProtocol.PrepareParams;
import dev.pyro.engine.server.EngineProtocol.ExecParams;
import dev.pyro.engine.server.EngineProtocol.RunParams;
import dev.pyro.engine.server.EngineProtocol.VmParams;
import dev.pyro.engine.server.EngineProtocol.WorkspaceCreateParams;
import dev.pyro.engine.server.EngineProtocol.ServiceParams;
import dev.pyro.engine.server.EngineProtocol.ShellParams;
import dev.pyro.engine.workspace.service.WorkspaceServices;
import dev.pyro.engine.server.EngineProtocol.SnapshotParams;
import dev.pyro.engine.workspace.shell.WorkspaceShells;
import dev.pyro.engine.server.EngineProtocol.WorkspaceExecParams;
import dev.pyro.engine.workspace.WorkspaceSnapshots;
import dev.pyro.engine.server.EngineProtocol.WorkspaceFileParams;
import dev.pyro.engine.workspace.WorkspaceFiles;
import dev.pyro.engine.server.EngineProtocol.WorkspaceDiskParams;
import dev.pyro.engine.workspace.disk.WorkspaceDisk;
import dev.pyro.engine.server.EngineProtocol.WorkspaceParams;
import dev.pyro.engine.server.EngineProtocol.WorkspaceUpdateParams;
import dev.pyro.engine.vms.VmManager;
import dev.pyro.engine.workspace.WorkspaceManager;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.engine.workspace.WorkspaceSecrets;
import dev.pyro.api.vm.VmRequest;
import dev.pyro.protocol.ErrorText;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Turns a method name and its params into a call on the VM manager or the environment operations. */
final class EngineDispatcher {

    private interface Handler {
        Object handle(JsonNode params, RequestContext context);
    }

    private final VmManager vms;
    private final WorkspaceManager workspaces;
    private final EngineLog log;
    private final Map<String, Handler> handlers = new HashMap<>();

    EngineDispatcher(VmManager vms, WorkspaceManager workspaces, EnvironmentOperations environments,
                     Supplier<EngineInfo> info, Runnable shutdown, EngineLog log) {
        this.vms = vms;
        this.workspaces = workspaces;
        this.log = log;
        handlers.put(EngineProtocol.PING, (p, c) -> info.get());
        handlers.put(EngineProtocol.SHUTDOWN, (p, c) -> {
            EngineInfo now = info.get();
            shutdown.run();
            return now;
        });
        handlers.put(EngineProtocol.RUN_IN_VM, (p, c) -> {
            RunParams run = params(p, RunParams.class);
            return vms.run(request(run.request()), required(run.command(), "command"), run.timeoutSeconds(),
                    c.events(), c.events(), id -> c.guard().protect(id, "run_vm_error_cleanup"));
        });
        handlers.put(EngineProtocol.CREATE_VM,
                (p, c) -> vms.create(request(params(p, CreateParams.class).request()), c.events()));
        handlers.put(EngineProtocol.START_VM, (p, c) -> vms.start(vmId(p)));
        handlers.put(EngineProtocol.EXEC_VM, (p, c) -> {
            ExecParams exec = params(p, ExecParams.class);
            String id = required(exec.vmId(), "vm_id");
            c.guard().protect(id, "post_exec_cleanup"); // exec deletes the VM anyway: a gone client only hurries it
            return vms.exec(id, required(exec.command(), "command"), exec.timeoutSeconds(), c.events());
        });
        handlers.put(EngineProtocol.STOP_VM, (p, c) -> vms.stop(vmId(p)));
        handlers.put(EngineProtocol.DELETE_VM, (p, c) -> vms.delete(vmId(p), "explicit_delete"));
        handlers.put(EngineProtocol.STATUS_VM, (p, c) -> vms.status(vmId(p)));
        handlers.put(EngineProtocol.NETWORK_INFO_VM, (p, c) -> vms.networkInfo(vmId(p)));
        handlers.put(EngineProtocol.LIST_VMS, (p, c) -> vms.list());
        handlers.put(EngineProtocol.REAP_EXPIRED, (p, c) -> vms.reapExpired());
        handlers.put(EngineProtocol.LIST_ENVIRONMENTS, (p, c) -> environments.list());
        handlers.put(EngineProtocol.INSPECT_ENVIRONMENT, (p, c) -> environments.inspect(
                required(params(p, EnvironmentParams.class).environment(), "environment")));
        handlers.put(EngineProtocol.PULL_ENVIRONMENT, (p, c) -> {
            EnvironmentParams pull = params(p, EnvironmentParams.class);
            return environments.pull(required(pull.environment(), "environment"), pull.withKernel(), c.events());
        });
        handlers.put(EngineProtocol.PRUNE_ENVIRONMENTS, (p, c) -> environments.prune());
        workspaceHandlers(workspaces);
    }

    private void workspaceHandlers(WorkspaceManager workspaces) {
        handlers.put(EngineProtocol.CREATE_WORKSPACE, (p, c) -> {
            WorkspaceCreateParams create = params(p, WorkspaceCreateParams.class);
            WorkspaceRequest request = required(create.request(), "request");
            required(request.environment(), "request.environment");
            return workspaces.create(request, create.origin(), c.events());
        });
        handlers.put(EngineProtocol.LIST_WORKSPACES, (p, c) -> workspaces.list());
        handlers.put(EngineProtocol.STATUS_WORKSPACE, (p, c) -> workspaces.status(workspaceId(p)));
        handlers.put(EngineProtocol.UPDATE_WORKSPACE, (p, c) -> {
            WorkspaceUpdateParams u = params(p, WorkspaceUpdateParams.class);
            return workspaces.update(required(u.workspaceId(), "workspace_id"), u.name(), u.clearName(), u.labels(),
                    u.clearLabels());
        });
        handlers.put(EngineProtocol.EXEC_WORKSPACE, (p, c) -> {
            WorkspaceExecParams e = params(p, WorkspaceExecParams.class);
            return workspaces.exec(required(e.workspaceId(), "workspace_id"), required(e.command(), "command"),
                    e.timeoutSeconds(), e.secretEnv() == null ? java.util.Map.of() : e.secretEnv(), c.events());
        });
        handlers.put(EngineProtocol.LOGS_WORKSPACE, (p, c) -> workspaces.logs(workspaceId(p)));
        handlers.put(EngineProtocol.STOP_WORKSPACE, (p, c) -> workspaces.stop(workspaceId(p)));
        handlers.put(EngineProtocol.START_WORKSPACE, (p, c) -> workspaces.start(workspaceId(p)));
        handlers.put(EngineProtocol.RESET_WORKSPACE, (p, c) -> {
            SnapshotParams r = params(p, SnapshotParams.class);
            return workspaces.reset(required(r.workspaceId(), "workspace_id"), r.snapshotName(), c.events());
        });
        WorkspaceShells shells = new WorkspaceShells(workspaces);
        handlers.put(EngineProtocol.OPEN_SHELL, (p, c) -> {
            ShellParams s = shellParams(p);
            return shells.open(s.workspaceId(), s.cwd(), or(s.cols(), Defaults.SHELL_COLS),
                    or(s.rows(), Defaults.SHELL_ROWS), s.secretEnv());
        });
        handlers.put(EngineProtocol.READ_SHELL, (p, c) -> {
            ShellParams s = shellParams(p);
            return shells.read(s.workspaceId(), required(s.shellId(), "shell_id"), or(s.cursor(), 0),
                    or(s.maxChars(), Defaults.SHELL_READ_MAX_CHARS), s.plain(), s.waitForIdleMs());
        });
        handlers.put(EngineProtocol.WRITE_SHELL, (p, c) -> {
            ShellParams s = shellParams(p);
            return shells.write(s.workspaceId(), required(s.shellId(), "shell_id"), s.input(),
                    s.appendNewline() == null || s.appendNewline());
        });
        handlers.put(EngineProtocol.SIGNAL_SHELL, (p, c) -> {
            ShellParams s = shellParams(p);
            return shells.signal(s.workspaceId(), required(s.shellId(), "shell_id"), s.signal());
        });
        handlers.put(EngineProtocol.CLOSE_SHELL, (p, c) -> {
            ShellParams s = shellParams(p);
            return shells.close(s.workspaceId(), required(s.shellId(), "shell_id"));
        });
        WorkspaceServices services = new WorkspaceServices(workspaces);
        handlers.put(EngineProtocol.START_SERVICE, (p, c) -> {
            ServiceParams s = serviceParams(p);
            return services.start(s.workspaceId(), s.serviceName(), s.command(), s.cwd(), s.readiness(),
                    or(s.readyTimeoutSeconds(), Defaults.SERVICE_READY_TIMEOUT_SECONDS),
                    or(s.readyIntervalMs(), Defaults.SERVICE_READY_INTERVAL_MS), s.secretEnv(),
                    s.publishedPorts());
        });
        handlers.put(EngineProtocol.LIST_SERVICES, (p, c) -> services.list(serviceParams(p).workspaceId()));
        handlers.put(EngineProtocol.STATUS_SERVICE, (p, c) -> {
            ServiceParams s = serviceParams(p);
            return services.status(s.workspaceId(), required(s.serviceName(), "service_name"));
        });
        handlers.put(EngineProtocol.LOGS_SERVICE, (p, c) -> {
            ServiceParams s = serviceParams(p);
            return services.logs(s.workspaceId(), required(s.serviceName(), "service_name"),
                    s.allLines() ? null : or(s.tailLines(), Defaults.SERVICE_TAIL_LINES));
        });
        handlers.put(EngineProtocol.STOP_SERVICE, (p, c) -> {
            ServiceParams s = serviceParams(p);
            return services.stop(s.workspaceId(), required(s.serviceName(), "service_name"));
        });
        WorkspaceSnapshots snapshots = new WorkspaceSnapshots(workspaces);
        handlers.put(EngineProtocol.CREATE_SNAPSHOT, (p, c) -> {
            SnapshotParams s = params(p, SnapshotParams.class);
            return snapshots.create(required(s.workspaceId(), "workspace_id"), required(s.snapshotName(), "snapshot_name"));
        });
        handlers.put(EngineProtocol.LIST_SNAPSHOTS, (p, c) -> snapshots.list(workspaceId(p)));
        handlers.put(EngineProtocol.DELETE_SNAPSHOT, (p, c) -> {
            SnapshotParams s = params(p, SnapshotParams.class);
            return snapshots.delete(required(s.workspaceId(), "workspace_id"), required(s.snapshotName(), "snapshot_name"));
        });
        handlers.put(EngineProtocol.DELETE_WORKSPACE, (p, c) -> workspaces.delete(workspaceId(p)));
        Preparer preparer = new Preparer(workspaces.paths(), workspaces, workspaces.clock());
        handlers.put(EngineProtocol.PREPARE, (p, c) -> {
            PrepareParams prepare = params(p, PrepareParams.class);
            return preparer.prepare(required(prepare.environment(), "environment"), prepare.network(), prepare.force(),
                    prepare.backend(), c.events());
        });
        WorkspaceFiles files = new WorkspaceFiles(workspaces);
        handlers.put(EngineProtocol.PUSH_WORKSPACE_SYNC, (p, c) -> {
            WorkspaceFileParams f = fileParams(p);
            return files.syncPush(f.workspaceId(), f.sourcePath(), f.dest());
        });
        handlers.put(EngineProtocol.LIST_WORKSPACE_FILES, (p, c) -> {
            WorkspaceFileParams f = fileParams(p);
            return files.list(f.workspaceId(), f.path(), f.recursive());
        });
        handlers.put(EngineProtocol.READ_WORKSPACE_FILE, (p, c) -> {
            WorkspaceFileParams f = fileParams(p);
            return files.read(f.workspaceId(), required(f.path(), "path"),
                    f.maxBytes() == null ? Defaults.FILE_READ_MAX_BYTES : f.maxBytes());
        });
        handlers.put(EngineProtocol.WRITE_WORKSPACE_FILE, (p, c) -> {
            WorkspaceFileParams f = fileParams(p);
            return files.write(f.workspaceId(), required(f.path(), "path"), required(f.text(), "text"));
        });
        handlers.put(EngineProtocol.APPLY_WORKSPACE_PATCH, (p, c) -> {
            WorkspaceFileParams f = fileParams(p);
            return files.applyPatch(f.workspaceId(), required(f.patch(), "patch"));
        });
        handlers.put(EngineProtocol.DIFF_WORKSPACE, (p, c) -> files.diff(fileParams(p).workspaceId()));
        handlers.put(EngineProtocol.EXPORT_WORKSPACE, (p, c) -> {
            WorkspaceFileParams f = fileParams(p);
            return files.export(f.workspaceId(), required(f.path(), "path"), f.outputPath(), f.overwrite());
        });
        handlers.put(EngineProtocol.SUMMARIZE_WORKSPACE, (p, c) -> files.summary(fileParams(p).workspaceId()));
        WorkspaceDisk disk = new WorkspaceDisk(workspaces);
        handlers.put(EngineProtocol.EXPORT_WORKSPACE_DISK, (p, c) -> {
            WorkspaceDiskParams d = diskParams(p);
            return disk.export(d.workspaceId(), d.outputPath());
        });
        handlers.put(EngineProtocol.LIST_WORKSPACE_DISK, (p, c) -> {
            WorkspaceDiskParams d = diskParams(p);
            return disk.list(d.workspaceId(), d.path(), d.recursive());
        });
        handlers.put(EngineProtocol.READ_WORKSPACE_DISK, (p, c) -> {
            WorkspaceDiskParams d = diskParams(p);
            return disk.read(d.workspaceId(), required(d.path(), "path"),
                    d.maxBytes() == null ? Defaults.DISK_READ_MAX_BYTES : d.maxBytes());
        });
    }

    private static ServiceParams serviceParams(JsonNode params) {
        ServiceParams s = params(params, ServiceParams.class);
        required(s.workspaceId(), "workspace_id");
        return s;
    }

    private static ShellParams shellParams(JsonNode params) {
        ShellParams s = params(params, ShellParams.class);
        required(s.workspaceId(), "workspace_id");
        return s;
    }

    private static int or(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static WorkspaceFileParams fileParams(JsonNode params) {
        WorkspaceFileParams f = params(params, WorkspaceFileParams.class);
        required(f.workspaceId(), "workspace_id");
        return f;
    }

    private static WorkspaceDiskParams diskParams(JsonNode params) {
        WorkspaceDiskParams d = params(params, WorkspaceDiskParams.class);
        required(d.workspaceId(), "workspace_id");
        return d;
    }

    private static String workspaceId(JsonNode params) {
        return required(params(params, WorkspaceParams.class).workspaceId(), "workspace_id");
    }

    Object dispatch(String method, JsonNode params, RequestContext context) {
        Handler handler = handlers.get(method);
        if (handler == null) {
            throw PyroException.invalid("unknown engine method '" + method + "'");
        }
        try {
            try {
                return handler.handle(params, context);
            } catch (dev.pyro.protocol.AgentException e) {
                // The guest refused or failed an operation (a missing file, a full disk, a vanished
                // sandbox): the user's to fix or retry, not a bug in Pyro.
                if (e instanceof dev.pyro.protocol.AgentTimeoutException && workspaces != null && params != null
                        && params.hasNonNull("workspace_id")) {
                    workspaces.explainTimeout(params.path("workspace_id").asString()).ifPresent(cause -> {
                        throw cause;
                    });
                }
                throw PyroException.runtime("the sandbox could not do it: " + ErrorText.of(e), e);
            }
        } catch (PyroException e) {
            throw redacted(e, params);
        }
    }

    /** An error about a workspace never shows one of its secrets' values (spec §8.4). */
    private PyroException redacted(PyroException e, JsonNode params) {
        String id = params == null ? null : params.path("workspace_id").asString(null);
        if (id == null || workspaces == null || e.getMessage() == null) {
            return e;
        }
        java.util.List<String> values;
        try {
            values = WorkspaceSecrets.values(workspaces.store().dir(WorkspaceId.of(id)), workspaces.live(id).secretList());
        } catch (RuntimeException unknown) {
            return e; // no such workspace (any more): no secrets to hide
        }
        String message = WorkspaceSecrets.redact(e.getMessage(), values);
        return message.equals(e.getMessage()) ? e : new PyroException(e.kind(), message);
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

    private static String vmId(JsonNode params) {
        return required(params(params, VmParams.class).vmId(), "vm_id");
    }

    private static <T> T required(T value, String name) {
        if (value == null) {
            throw PyroException.invalid("engine request is missing '" + name + "'");
        }
        return value;
    }
}
