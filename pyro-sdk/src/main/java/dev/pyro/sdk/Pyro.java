package dev.pyro.sdk;

import dev.pyro.api.workspace.SnapshotListing;
import dev.pyro.api.workspace.SnapshotDeleted;
import dev.pyro.api.workspace.SnapshotCreated;
import dev.pyro.api.OutputListener;
import dev.pyro.engine.backend.BackendSelector;
import dev.pyro.engine.backend.vm.GuestKernels;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.doctor.Doctor;
import dev.pyro.api.doctor.DoctorReport;
import dev.pyro.api.environment.PrepareResult;
import dev.pyro.api.environment.EnvironmentInfo;
import dev.pyro.api.environment.PruneResult;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import dev.pyro.engine.server.EmbeddedEngine;
import dev.pyro.engine.server.EngineCalls;
import dev.pyro.engine.server.EngineClient;
import dev.pyro.api.engine.NoParams;
import dev.pyro.api.engine.Operations;
import dev.pyro.api.engine.PrepareParams;
import dev.pyro.api.engine.CreateParams;
import dev.pyro.api.engine.ExecParams;
import dev.pyro.api.engine.RunParams;
import dev.pyro.api.engine.VmParams;
import dev.pyro.api.engine.WorkspaceCreateParams;
import dev.pyro.api.engine.ServiceParams;
import dev.pyro.api.engine.ShellParams;
import dev.pyro.api.workspace.service.Readiness;
import dev.pyro.api.workspace.service.PublishedPortRequest;
import dev.pyro.api.workspace.service.ServiceInfo;
import dev.pyro.api.engine.SnapshotParams;
import dev.pyro.api.workspace.shell.ShellInfo;
import dev.pyro.api.engine.WorkspaceExecParams;
import dev.pyro.engine.workspace.WorkspaceSnapshots;
import dev.pyro.api.engine.WorkspaceFileParams;
import dev.pyro.api.engine.WorkspaceDiskParams;
import dev.pyro.api.workspace.disk.DiskPayloads;
import dev.pyro.api.workspace.files.WorkspaceFilePayloads;
import dev.pyro.api.workspace.WorkspaceSummary;
import dev.pyro.api.workspace.review.DiffPayload;
import dev.pyro.api.workspace.review.PatchApplyPayload;
import java.nio.file.Path;
import dev.pyro.api.engine.WorkspaceParams;
import dev.pyro.api.engine.WorkspaceUpdateParams;
import dev.pyro.engine.server.EnvironmentOperations;
import dev.pyro.api.vm.ReapResult;
import dev.pyro.api.vm.VmDeleteResult;
import dev.pyro.api.vm.VmExecResult;
import dev.pyro.api.vm.VmNetworkInfo;
import dev.pyro.api.vm.VmRequest;
import dev.pyro.api.vm.VmStatus;
import dev.pyro.api.workspace.WorkspaceDeleteResult;
import dev.pyro.api.workspace.WorkspaceExecResult;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.workspace.WorkspaceList;
import dev.pyro.api.workspace.WorkspaceLogs;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.api.workspace.SeedOrigin;
import java.util.List;
import java.util.Map;

/**
 * The Java SDK: one method per public operation, returning records that serialize to the JSON
 * payloads the CLI ({@code --json}) and the MCP server return. Errors meant for users are
 * {@link dev.pyro.api.PyroException}s with a message that says what to fix.
 *
 * <p>{@link #create()} talks to the engine daemon of the state dir (starting it when none answers),
 * so sandboxes outlive this process and a Ctrl-C still deletes the VM of a run.
 * {@link #embedded(PyroPaths)} runs the same engine in this process instead. Environment operations
 * and doctor only touch files and run in this process either way.
 */
public final class Pyro implements AutoCloseable {

    private final PyroPaths paths;
    private final EngineCalls engine;
    private final EnvironmentOperations environments;

    /** An engine in this process; the same as {@link #embedded(PyroPaths)}. */
    public Pyro(PyroPaths paths) {
        this(paths, new EmbeddedEngine(paths));
    }

    private Pyro(PyroPaths paths, EngineCalls engine) {
        this.paths = paths;
        this.engine = engine;
        this.environments = new EnvironmentOperations(paths);
    }

    /** A client of the engine daemon for the default cache and state dirs (or PYRO_CACHE_DIR / PYRO_STATE_DIR). */
    public static Pyro create() {
        return create(PyroPaths.fromEnvironment());
    }

    /** A client of the engine daemon that serves {@code paths.stateDir()}, started with these paths if needed. */
    public static Pyro create(PyroPaths paths) {
        return new Pyro(paths, new EngineClient(paths));
    }

    /** The engine in this process (tests, single-process apps); it locks the state dir against a daemon. */
    public static Pyro embedded(PyroPaths paths) {
        return new Pyro(paths, new EmbeddedEngine(paths));
    }

    public PyroPaths paths() {
        return paths;
    }

    // ------------------------------------------------------------------ one-shot VMs

    /** create → start → exec → delete, in one call (the {@code pyro run} path). */
    public VmExecResult runInVm(VmRequest request, String command, int timeoutSeconds) {
        return runInVm(request, command, timeoutSeconds, Progress.NONE, OutputListener.NONE);
    }

    public VmExecResult runInVm(VmRequest request, String command, int timeoutSeconds, Progress progress,
                                OutputListener output) {
        return engine.call(Operations.RUN_IN_VM, new RunParams(resolved(request), command, timeoutSeconds), progress, output);
    }

    public VmStatus createVm(VmRequest request) {
        return engine.call(Operations.CREATE_VM, new CreateParams(resolved(request)));
    }

    public VmStatus startVm(String vmId) {
        return engine.call(Operations.START_VM, new VmParams(vmId));
    }

    /** Runs one command; the VM is deleted afterwards whatever the outcome. */
    public VmExecResult execVm(String vmId, String command, int timeoutSeconds) {
        return engine.call(Operations.EXEC_VM, new ExecParams(vmId, command, timeoutSeconds));
    }

    public VmStatus stopVm(String vmId) {
        return engine.call(Operations.STOP_VM, new VmParams(vmId));
    }

    public VmDeleteResult deleteVm(String vmId) {
        return engine.call(Operations.DELETE_VM, new VmParams(vmId));
    }

    public VmStatus statusVm(String vmId) {
        return engine.call(Operations.STATUS_VM, new VmParams(vmId));
    }

    public VmNetworkInfo networkInfoVm(String vmId) {
        return engine.call(Operations.NETWORK_INFO_VM, new VmParams(vmId));
    }

    public ReapResult reapExpired() {
        return engine.call(Operations.REAP_EXPIRED, NoParams.INSTANCE);
    }

    // ------------------------------------------------------------------ workspaces

    public WorkspaceInfo createWorkspace(WorkspaceRequest request) {
        return createWorkspace(request, Progress.NONE);
    }

    public WorkspaceInfo createWorkspace(WorkspaceRequest request, Progress progress) {
        return createWorkspace(request, null, progress);
    }

    /**
     * {@code origin}: where {@code request.seedPath()} really came from when it is a staging copy
     * (the MCP server's project source); {@code workspace_seed} reports it. Null: the seed path itself.
     */
    public WorkspaceInfo createWorkspace(WorkspaceRequest request, SeedOrigin origin, Progress progress) {
        WorkspaceRequest resolved = request.withBackend(BackendSelector.requested(request.backend()),
                request.allowHostCompat());
        return engine.call(Operations.CREATE_WORKSPACE, new WorkspaceCreateParams(resolved, origin), progress, OutputListener.NONE);
    }

    public WorkspaceList listWorkspaces() {
        return engine.call(Operations.LIST_WORKSPACES, NoParams.INSTANCE);
    }

    public WorkspaceInfo statusWorkspace(String workspaceId) {
        return engine.call(Operations.STATUS_WORKSPACE, new WorkspaceParams(workspaceId));
    }

    public WorkspaceInfo updateWorkspace(String workspaceId, String name, boolean clearName,
                                         Map<String, String> labels, List<String> clearLabels) {
        return engine.call(Operations.UPDATE_WORKSPACE,
                new WorkspaceUpdateParams(workspaceId, name, clearName, labels, clearLabels));
    }

    public WorkspaceExecResult execWorkspace(String workspaceId, String command, int timeoutSeconds) {
        return execWorkspace(workspaceId, command, timeoutSeconds, OutputListener.NONE);
    }

    public WorkspaceExecResult execWorkspace(String workspaceId, String command, int timeoutSeconds,
                                             OutputListener output) {
        return execWorkspace(workspaceId, command, timeoutSeconds, Map.of(), output);
    }

    /** {@code secretEnv}: secret name → environment variable name for this command. */
    public WorkspaceExecResult execWorkspace(String workspaceId, String command, int timeoutSeconds,
                                             Map<String, String> secretEnv, OutputListener output) {
        return engine.call(Operations.EXEC_WORKSPACE, new WorkspaceExecParams(workspaceId, command,
                timeoutSeconds, secretEnv), Progress.NONE, output);
    }

    public WorkspaceLogs logsWorkspace(String workspaceId) {
        return engine.call(Operations.LOGS_WORKSPACE, new WorkspaceParams(workspaceId));
    }

    public WorkspaceInfo stopWorkspace(String workspaceId) {
        return engine.call(Operations.STOP_WORKSPACE, new WorkspaceParams(workspaceId));
    }

    public WorkspaceInfo startWorkspace(String workspaceId) {
        return engine.call(Operations.START_WORKSPACE, new WorkspaceParams(workspaceId));
    }

    /** Back to the baseline: a fresh sandbox, {@code /workspace} as it was at create, the journal restarted. */
    public WorkspaceInfo resetWorkspace(String workspaceId) {
        return resetWorkspace(workspaceId, null);
    }

    /** Back to a named snapshot ({@code null} or {@code "baseline"}: the baseline). */
    public WorkspaceInfo resetWorkspace(String workspaceId, String snapshot) {
        return engine.call(Operations.RESET_WORKSPACE, new SnapshotParams(workspaceId, snapshot));
    }

    /**
     * Starts a long-running service in the workspace and waits for its readiness (null: none);
     * its output goes to logs outside {@code /workspace}.
     */
    public ServiceInfo startService(String workspaceId, String serviceName, String command, String cwd,
                                    Readiness readiness, int readyTimeoutSeconds, int readyIntervalMs,
                                    Map<String, String> secretEnv) {
        return startService(workspaceId, serviceName, command, cwd, readiness, readyTimeoutSeconds, readyIntervalMs,
                secretEnv, List.of());
    }

    /**
     * As above, also publishing guest ports on the host's 127.0.0.1 once the service is ready (the
     * workspace needs network policy {@code egress+published-ports}); the result lists each
     * {@code {host, host_port, guest_port, protocol}}. Entries are {@link PublishedPortRequest}s or,
     * as MCP clients send them, {@code {guest_port, host_port?}} maps, which the engine checks.
     */
    public ServiceInfo startService(String workspaceId, String serviceName, String command, String cwd,
                                    Readiness readiness, int readyTimeoutSeconds, int readyIntervalMs,
                                    Map<String, String> secretEnv, List<?> publishedPorts) {
        List<Object> ports = new java.util.ArrayList<>();
        for (Object item : publishedPorts == null ? List.of() : publishedPorts) {
            if (item instanceof PublishedPortRequest p) {
                Map<String, Object> port = new java.util.LinkedHashMap<>();
                port.put("guest_port", p.guestPort());
                if (p.hostPort() != null) {
                    port.put("host_port", p.hostPort());
                }
                ports.add(port);
            } else {
                ports.add(item);
            }
        }
        return engine.call(Operations.START_SERVICE, new ServiceParams(workspaceId, serviceName, command, cwd,
                readiness, readyTimeoutSeconds, readyIntervalMs, secretEnv, ports, null, false));
    }

    public ServiceInfo.Listing listServices(String workspaceId) {
        return engine.call(Operations.LIST_SERVICES, ServiceParams.of(workspaceId, null));
    }

    public ServiceInfo statusService(String workspaceId, String serviceName) {
        return engine.call(Operations.STATUS_SERVICE, ServiceParams.of(workspaceId, serviceName));
    }

    /** The last {@code tailLines} lines of each stream ({@code null}: all). */
    public ServiceInfo logsService(String workspaceId, String serviceName, Integer tailLines) {
        return engine.call(Operations.LOGS_SERVICE, new ServiceParams(workspaceId, serviceName, null, null, null,
                null, null, null, null, tailLines, tailLines == null));
    }

    public ServiceInfo stopService(String workspaceId, String serviceName) {
        return engine.call(Operations.STOP_SERVICE, ServiceParams.of(workspaceId, serviceName));
    }

    /** Opens an interactive PTY shell ({@code bash -i}) in the workspace; any client can use it by id. */
    public ShellInfo openShell(String workspaceId, String cwd, int cols, int rows, Map<String, String> secretEnv) {
        return engine.call(Operations.OPEN_SHELL, new ShellParams(workspaceId, null, cwd, cols, rows, secretEnv,
                null, null, false, null, null, null, null));
    }

    /** Output from {@code cursor}; {@code plain} renders it for chat; {@code waitForIdleMs} waits for quiet. */
    public ShellInfo readShell(String workspaceId, String shellId, int cursor, int maxChars, boolean plain,
                               Integer waitForIdleMs) {
        return engine.call(Operations.READ_SHELL, new ShellParams(workspaceId, shellId, null, null, null, null,
                cursor, maxChars, plain, waitForIdleMs, null, null, null));
    }

    public ShellInfo writeShell(String workspaceId, String shellId, String input, boolean appendNewline) {
        return engine.call(Operations.WRITE_SHELL, new ShellParams(workspaceId, shellId, null, null, null, null,
                null, null, false, null, input, appendNewline, null));
    }

    public ShellInfo signalShell(String workspaceId, String shellId, String signal) {
        return engine.call(Operations.SIGNAL_SHELL, new ShellParams(workspaceId, shellId, null, null, null, null,
                null, null, false, null, null, null, signal));
    }

    public ShellInfo closeShell(String workspaceId, String shellId) {
        return engine.call(Operations.CLOSE_SHELL, ShellParams.of(workspaceId, shellId));
    }

    /** Keeps the current {@code /workspace} under a name, for {@code resetWorkspace(id, name)}. */
    public SnapshotCreated createSnapshot(String workspaceId, String snapshotName) {
        return engine.call(Operations.CREATE_SNAPSHOT, new SnapshotParams(workspaceId, snapshotName));
    }

    public SnapshotListing listSnapshots(String workspaceId) {
        return engine.call(Operations.LIST_SNAPSHOTS, new WorkspaceParams(workspaceId));
    }

    public SnapshotDeleted deleteSnapshot(String workspaceId, String snapshotName) {
        return engine.call(Operations.DELETE_SNAPSHOT, new SnapshotParams(workspaceId, snapshotName));
    }

    public WorkspaceDeleteResult deleteWorkspace(String workspaceId) {
        return engine.call(Operations.DELETE_WORKSPACE, new WorkspaceParams(workspaceId));
    }

    /** Copies a host directory or tar archive into the live workspace (overlaying {@code dest}). */
    public WorkspaceFilePayloads.Sync pushWorkspaceSync(String workspaceId, Path sourcePath, String dest) {
        return engine.call(Operations.PUSH_WORKSPACE_SYNC, WorkspaceFileParams.of(workspaceId)
                .sync(absolute(sourcePath), dest));
    }

    public WorkspaceFilePayloads.FileList listWorkspaceFiles(String workspaceId, String path, boolean recursive) {
        return engine.call(Operations.LIST_WORKSPACE_FILES, WorkspaceFileParams.of(workspaceId).path(path, recursive));
    }

    public WorkspaceFilePayloads.FileRead readWorkspaceFile(String workspaceId, String path, int maxBytes) {
        return engine.call(Operations.READ_WORKSPACE_FILE, WorkspaceFileParams.of(workspaceId).read(path, maxBytes));
    }

    public WorkspaceFilePayloads.FileWrite writeWorkspaceFile(String workspaceId, String path, String text) {
        dev.pyro.engine.workspace.WorkspaceFiles.checkWriteText(text); // the spec's size error, before the text travels to the engine
        return engine.call(Operations.WRITE_WORKSPACE_FILE, WorkspaceFileParams.of(workspaceId).write(path, text));
    }

    /** Applies a unified diff completely or not at all. */
    public PatchApplyPayload applyWorkspacePatch(String workspaceId, String patch) {
        return engine.call(Operations.APPLY_WORKSPACE_PATCH, WorkspaceFileParams.of(workspaceId).patchText(patch));
    }

    /** What changed in {@code /workspace} since the create-time baseline. */
    public DiffPayload diffWorkspace(String workspaceId) {
        return engine.call(Operations.DIFF_WORKSPACE, WorkspaceFileParams.of(workspaceId));
    }

    /** Copies a file or directory out to a host path that must not exist yet (unless {@code overwrite}). */
    public WorkspaceFilePayloads.Export exportWorkspace(String workspaceId, String path, Path outputPath,
                                                       boolean overwrite) {
        return engine.call(Operations.EXPORT_WORKSPACE, WorkspaceFileParams.of(workspaceId)
                .export(path, absolute(outputPath), overwrite));
    }

    public WorkspaceSummary summarizeWorkspace(String workspaceId) {
        return engine.call(Operations.SUMMARIZE_WORKSPACE, WorkspaceFileParams.of(workspaceId));
    }

    // ------------------------------------------------------------------ stopped-workspace disk tools

    /** Copies a stopped workspace's root file system to {@code outputPath} (must not exist) as a raw ext4 image. */
    public DiskPayloads.DiskExport exportWorkspaceDisk(String workspaceId, Path outputPath) {
        return engine.call(Operations.EXPORT_WORKSPACE_DISK,
                new WorkspaceDiskParams(workspaceId, null, false, null, absolute(outputPath)));
    }

    /** Lists a path of a stopped workspace's disk ({@code null}: {@code /workspace}; absolute: anywhere in the guest). */
    public DiskPayloads.DiskList listWorkspaceDisk(String workspaceId, String path, boolean recursive) {
        return engine.call(Operations.LIST_WORKSPACE_DISK,
                new WorkspaceDiskParams(workspaceId, path, recursive, null, null));
    }

    /** Reads up to {@code maxBytes} of a regular file on a stopped workspace's disk, decoded as UTF-8. */
    public DiskPayloads.DiskRead readWorkspaceDisk(String workspaceId, String path, int maxBytes) {
        return engine.call(Operations.READ_WORKSPACE_DISK,
                new WorkspaceDiskParams(workspaceId, path, false, maxBytes, null));
    }

    /** Host paths are resolved here: the engine daemon's working directory is not the caller's. */
    private static String absolute(Path path) {
        return path == null ? null : path.toAbsolutePath().normalize().toString();
    }

    // ------------------------------------------------------------------ MCP server

    /**
     * A server over this SDK, e.g. the MCP server of pyro-mcp: {@code pyro.createServer(McpSurface.REPRO_FIX)}
     * or {@code pyro.createServer(McpServerOptions.of(...))} (both are {@link ServerSpec}s), served
     * with {@code serveStdio} or {@code serveHttp}. The spec lives in the server's module, so the SDK
     * names no server type and needs no cycle.
     */
    public <S> S createServer(ServerSpec<S> spec) {
        return spec.createServer(this);
    }

    // ------------------------------------------------------------------ environments and doctor

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

    /** The host report, with the daily-loop readiness of {@code environment}. */
    public DoctorReport doctor(String environment) {
        return new Doctor(paths, new GuestKernels(paths)).run(environment);
    }

    /**
     * Makes the daily loop of {@code environment} warm: installs it, proves create, exec, reset and
     * delete on a throwaway workspace (with {@code network}: networked), and records the manifest.
     * A warm manifest that satisfies the request is reused unless {@code force}.
     */
    public PrepareResult prepare(String environment, boolean network, boolean force, Progress progress) {
        return engine.call(Operations.PREPARE, new PrepareParams(environment, network, force,
                BackendSelector.requested(null)), progress, OutputListener.NONE);
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
        engine.close();
    }
}
