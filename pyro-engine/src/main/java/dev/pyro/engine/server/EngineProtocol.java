package dev.pyro.engine.server;

import dev.pyro.api.ids.Identifiers;
import dev.pyro.api.ids.VmId;
import dev.pyro.api.ids.WorkspaceId;
import dev.pyro.api.vm.VmRequest;

/**
 * The engine's wire protocol, shared by {@link EngineServer} and {@link EngineClient}: one request per
 * connection, newline-delimited JSON (snake_case, {@code Json.MAPPER}).
 *
 * <pre>
 * client → {"method": "run_in_vm", "params": {...}}
 * engine ← {"event": "accepted", "pid": 123}             first line once the engine took the request
 *        ← {"event": "phase", "phase": "create", "detail": "environment=debian:12"}
 *        ← {"event": "step", "done": 3, "total": 10, "message": "..."}
 *        ← {"event": "stdout"|"stderr", "data": "&lt;base64&gt;"}
 *        ← {"result": ...}   or   {"error": {"message": "...", "kind": "INVALID_INPUT"|"RUNTIME", "internal": false}}
 * </pre>
 *
 * A connection closed before {@code accepted} was never served, so the client may retry it. The
 * client keeps its side open until the final line: the engine takes a closed connection during
 * {@code run_in_vm} or {@code exec_vm} as the caller being gone (Ctrl-C) and deletes that VM.
 */
public final class EngineProtocol {

    public static final int VERSION = 1;

    /**
     * The largest request line the engine reads. Above every input limit once JSON-escaped (a 1 MiB
     * file write of control characters is 6 MiB as \\u0001...), so the operations' own size errors
     * are what callers see; clients refuse bigger requests before sending them.
     */
    public static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    // methods
    public static final String PING = "ping";
    public static final String SHUTDOWN = "shutdown";
    public static final String RUN_IN_VM = "run_in_vm";
    public static final String CREATE_VM = "create_vm";
    public static final String START_VM = "start_vm";
    public static final String EXEC_VM = "exec_vm";
    public static final String STOP_VM = "stop_vm";
    public static final String DELETE_VM = "delete_vm";
    public static final String STATUS_VM = "status_vm";
    public static final String NETWORK_INFO_VM = "network_info_vm";
    public static final String LIST_VMS = "list_vms";
    public static final String REAP_EXPIRED = "reap_expired";
    public static final String LIST_ENVIRONMENTS = "list_environments";
    public static final String INSPECT_ENVIRONMENT = "inspect_environment";
    public static final String PULL_ENVIRONMENT = "pull_environment";
    public static final String PRUNE_ENVIRONMENTS = "prune_environments";
    public static final String CREATE_WORKSPACE = "create_workspace";
    public static final String LIST_WORKSPACES = "list_workspaces";
    public static final String STATUS_WORKSPACE = "status_workspace";
    public static final String UPDATE_WORKSPACE = "update_workspace";
    public static final String EXEC_WORKSPACE = "exec_workspace";
    public static final String LOGS_WORKSPACE = "logs_workspace";
    public static final String STOP_WORKSPACE = "stop_workspace";
    public static final String START_WORKSPACE = "start_workspace";
    public static final String RESET_WORKSPACE = "reset_workspace";
    public static final String DELETE_WORKSPACE = "delete_workspace";
    public static final String PUSH_WORKSPACE_SYNC = "push_workspace_sync";
    public static final String LIST_WORKSPACE_FILES = "list_workspace_files";
    public static final String READ_WORKSPACE_FILE = "read_workspace_file";
    public static final String WRITE_WORKSPACE_FILE = "write_workspace_file";
    public static final String APPLY_WORKSPACE_PATCH = "apply_workspace_patch";
    public static final String DIFF_WORKSPACE = "diff_workspace";
    public static final String EXPORT_WORKSPACE = "export_workspace";
    public static final String SUMMARIZE_WORKSPACE = "summarize_workspace";
    public static final String OPEN_SHELL = "open_shell";
    public static final String READ_SHELL = "read_shell";
    public static final String WRITE_SHELL = "write_shell";
    public static final String SIGNAL_SHELL = "signal_shell";
    public static final String CLOSE_SHELL = "close_shell";
    public static final String START_SERVICE = "start_service";
    public static final String LIST_SERVICES = "list_services";
    public static final String STATUS_SERVICE = "status_service";
    public static final String LOGS_SERVICE = "logs_service";
    public static final String STOP_SERVICE = "stop_service";
    public static final String CREATE_SNAPSHOT = "create_snapshot";
    public static final String LIST_SNAPSHOTS = "list_snapshots";
    public static final String DELETE_SNAPSHOT = "delete_snapshot";
    public static final String PREPARE = "prepare";
    public static final String EXPORT_WORKSPACE_DISK = "export_workspace_disk";
    public static final String LIST_WORKSPACE_DISK = "list_workspace_disk";
    public static final String READ_WORKSPACE_DISK = "read_workspace_disk";

    // events
    public static final String ACCEPTED = "accepted";
    public static final String PHASE = "phase";
    public static final String STEP = "step";
    public static final String STDOUT = "stdout";
    public static final String STDERR = "stderr";

    private EngineProtocol() {
    }

    /** One line from the client. */
    public record Request(String method, Object params) {
    }

    /** The error of a final line; {@code internal} marks a bug (anything but a PyroException). */
    public record Error(String message, String kind, boolean internal) {
    }

    // params: every id is checked where the params are made, in the client (SDK, CLI, MCP) and again
    // when the engine reads them off its socket; an id that is not 12 lowercase hex characters never
    // reaches a manager. Null passes here: the dispatcher names a missing field.

    private static String workspace(String raw) {
        return raw == null ? null : WorkspaceId.of(raw).value();
    }

    private static String vm(String raw) {
        return raw == null ? null : VmId.of(raw).value();
    }

    public record RunParams(VmRequest request, String command, int timeoutSeconds) {
    }

    public record CreateParams(VmRequest request) {
    }

    public record VmParams(String vmId) {

        public VmParams {
            vmId = vm(vmId);
        }
    }

    public record ExecParams(String vmId, String command, int timeoutSeconds) {

        public ExecParams {
            vmId = vm(vmId);
        }
    }

    /** {@code origin}: null, or where a staged seed really came from (the MCP server's project source). */
    public record WorkspaceCreateParams(dev.pyro.api.workspace.WorkspaceRequest request,
                                        dev.pyro.api.workspace.SeedOrigin origin) {

        public WorkspaceCreateParams(dev.pyro.api.workspace.WorkspaceRequest request) {
            this(request, null);
        }
    }

    public record WorkspaceParams(String workspaceId) {

        public WorkspaceParams {
            workspaceId = workspace(workspaceId);
        }
    }

    /** Shell operations; each uses the fields it needs (null: the default). */
    public record ShellParams(String workspaceId, String shellId, String cwd, Integer cols, Integer rows,
                              java.util.Map<String, String> secretEnv, Integer cursor, Integer maxChars,
                              boolean plain, Integer waitForIdleMs, String input, Boolean appendNewline,
                              String signal) {

        public ShellParams {
            workspaceId = workspace(workspaceId);
            shellId = shellId == null ? null : Identifiers.hex12("shell_id", shellId);
        }

        public static ShellParams of(String workspaceId, String shellId) {
            return new ShellParams(workspaceId, shellId, null, null, null, null, null, null, false, null, null, null,
                    null);
        }
    }

    /** Service operations; each uses the fields it needs ({@code tail_lines} null: all lines). */
    public record ServiceParams(String workspaceId, String serviceName, String command, String cwd,
                                dev.pyro.api.workspace.service.Readiness readiness, Integer readyTimeoutSeconds,
                                Integer readyIntervalMs, java.util.Map<String, String> secretEnv,
                                java.util.List<Object> publishedPorts, Integer tailLines, boolean allLines) {

        public ServiceParams {
            workspaceId = workspace(workspaceId);
        }

        public static ServiceParams of(String workspaceId, String serviceName) {
            return new ServiceParams(workspaceId, serviceName, null, null, null, null, null, null, null, null, false);
        }
    }

    /** Snapshot operations and reset ({@code snapshot_name} null there means the baseline). */
    public record SnapshotParams(String workspaceId, String snapshotName) {

        public SnapshotParams {
            workspaceId = workspace(workspaceId);
        }
    }

    public record WorkspaceUpdateParams(String workspaceId, String name, boolean clearName,
                                        java.util.Map<String, String> labels, java.util.List<String> clearLabels) {

        public WorkspaceUpdateParams {
            workspaceId = workspace(workspaceId);
        }
    }

    /** The file operations' params; each uses the fields it needs. Host paths arrive absolute. */
    public record WorkspaceFileParams(String workspaceId, String path, boolean recursive, Integer maxBytes,
                                      String text, String patch, String sourcePath, String dest, String outputPath,
                                      boolean overwrite) {

        public WorkspaceFileParams {
            workspaceId = workspace(workspaceId);
        }

        public static WorkspaceFileParams of(String workspaceId) {
            return new WorkspaceFileParams(workspaceId, null, false, null, null, null, null, null, null, false);
        }

        public WorkspaceFileParams path(String value, boolean recurse) {
            return new WorkspaceFileParams(workspaceId, value, recurse, maxBytes, text, patch, sourcePath, dest,
                    outputPath, overwrite);
        }

        public WorkspaceFileParams read(String value, int max) {
            return new WorkspaceFileParams(workspaceId, value, recursive, max, text, patch, sourcePath, dest,
                    outputPath, overwrite);
        }

        public WorkspaceFileParams write(String value, String content) {
            return new WorkspaceFileParams(workspaceId, value, recursive, maxBytes, content, patch, sourcePath, dest,
                    outputPath, overwrite);
        }

        public WorkspaceFileParams patchText(String value) {
            return new WorkspaceFileParams(workspaceId, path, recursive, maxBytes, text, value, sourcePath, dest,
                    outputPath, overwrite);
        }

        public WorkspaceFileParams sync(String source, String destination) {
            return new WorkspaceFileParams(workspaceId, path, recursive, maxBytes, text, patch, source, destination,
                    outputPath, overwrite);
        }

        public WorkspaceFileParams export(String value, String output, boolean replace) {
            return new WorkspaceFileParams(workspaceId, value, recursive, maxBytes, text, patch, sourcePath, dest,
                    output, replace);
        }
    }

    /** The stopped-workspace disk tools' params; each uses the fields it needs. {@code output_path} arrives absolute. */
    public record WorkspaceDiskParams(String workspaceId, String path, boolean recursive, Integer maxBytes,
                                      String outputPath) {

        public WorkspaceDiskParams {
            workspaceId = workspace(workspaceId);
        }
    }

    public record WorkspaceExecParams(String workspaceId, String command, int timeoutSeconds,
                                      java.util.Map<String, String> secretEnv) {

        public WorkspaceExecParams {
            workspaceId = workspace(workspaceId);
        }
    }

    public record EnvironmentParams(String environment, boolean withKernel) {
    }

    /** {@code pyro prepare}: {@code backend} as the client resolved it (null: auto). */
    public record PrepareParams(String environment, boolean network, boolean force, String backend) {
    }

    /** The answer to {@code ping} (and {@code shutdown}). */
    public record EngineInfo(long pid, int protocol, String build, String stateDir, double startedAt,
                             int activeVms, int clients) {
    }
}
