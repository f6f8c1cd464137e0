package dev.pyro.mcp.tools;

import dev.pyro.api.Defaults;
import dev.pyro.api.OutputListener;
import dev.pyro.api.vm.VmRequest;
import dev.pyro.api.workspace.SecretSpec;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.mcp.project.ProjectSeed;
import dev.pyro.mcp.tools.ToolInputs.DiskExport;
import dev.pyro.mcp.tools.ToolInputs.DiskList;
import dev.pyro.mcp.tools.ToolInputs.DiskRead;
import dev.pyro.mcp.tools.ToolInputs.Export;
import dev.pyro.mcp.tools.ToolInputs.FileList;
import dev.pyro.mcp.tools.ToolInputs.FileRead;
import dev.pyro.mcp.tools.ToolInputs.FileWrite;
import dev.pyro.mcp.tools.ToolInputs.None;
import dev.pyro.mcp.tools.ToolInputs.PatchApply;
import dev.pyro.mcp.tools.ToolInputs.Reset;
import dev.pyro.mcp.tools.ToolInputs.ServiceLogs;
import dev.pyro.mcp.tools.ToolInputs.ServiceRef;
import dev.pyro.mcp.tools.ToolInputs.ServiceStart;
import dev.pyro.mcp.tools.ToolInputs.ShellOpen;
import dev.pyro.mcp.tools.ToolInputs.ShellRead;
import dev.pyro.mcp.tools.ToolInputs.ShellRef;
import dev.pyro.mcp.tools.ToolInputs.ShellSignal;
import dev.pyro.mcp.tools.ToolInputs.ShellWrite;
import dev.pyro.mcp.tools.ToolInputs.SnapshotRef;
import dev.pyro.mcp.tools.ToolInputs.VmCreate;
import dev.pyro.mcp.tools.ToolInputs.VmExec;
import dev.pyro.mcp.tools.ToolInputs.VmRef;
import dev.pyro.mcp.tools.ToolInputs.VmRun;
import dev.pyro.mcp.tools.ToolInputs.WorkspaceCreate;
import dev.pyro.mcp.tools.ToolInputs.WorkspaceExec;
import dev.pyro.mcp.tools.ToolInputs.WorkspaceRef;
import dev.pyro.mcp.tools.ToolInputs.WorkspaceSyncPush;
import dev.pyro.mcp.tools.ToolInputs.WorkspaceUpdate;
import dev.pyro.sdk.Pyro;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every public MCP tool as data (name, description for a model, input record, handler), and the
 * subset a surface exposes. Each tool's input is a record in {@link ToolInputs}; its schema is
 * generated from the record ({@link ToolInput}), so what a model is told and what the handler reads
 * cannot drift. Schemas are narrowed per surface: secrets, network policy and published ports
 * appear only in {@code workspace-full}; descriptions gain a mode's guidance in a named mode.
 */
public final class ToolCatalog {

    private final ToolContext ctx;
    private final Pyro pyro;
    private final ToolInput.Surface surface;
    private final Map<String, ToolDef> all = new LinkedHashMap<>();

    /** What a tool does with its bound input: the SDK result (a record or map). */
    @FunctionalInterface
    private interface Call<R> {
        Object call(R input);
    }

    /** A tool that checks more than types between fields (host paths, the host-compat permission). */
    @FunctionalInterface
    private interface CheckedCall<R extends Record> {
        Object call(ToolInput<R> input, ToolArgs args);
    }

    private ToolCatalog(ToolContext ctx) {
        this.ctx = ctx;
        this.pyro = ctx.pyro();
        this.surface = new ToolInput.Surface(ctx.surface().showsAdvancedFields(), ctx.defaultEnvironment(),
                Map.of("seed_path", seedDescription()));
        vmTools();
        workspaceTools();
        fileTools();
        shellTools();
        serviceTools();
        snapshotTools();
    }

    /** The tools of {@code ctx.surface()}, in the spec's order. */
    public static List<ToolDef> forSurface(ToolContext ctx) {
        ToolCatalog catalog = new ToolCatalog(ctx);
        List<ToolDef> tools = new ArrayList<>();
        for (String name : ctx.surface().tools()) {
            ToolDef tool = catalog.all.get(name);
            if (tool != null) {
                tools.add(ModeGuidance.apply(ctx.surface(), tool));
            }
        }
        return tools;
    }

    private <R extends Record> void add(String name, String description, Class<R> type, Call<R> call) {
        addChecked(name, description, type, (input, args) -> call.call(input.bind(args, Map.of())));
    }

    private <R extends Record> void addChecked(String name, String description, Class<R> type, CheckedCall<R> call) {
        ToolInput<R> input = ToolInput.of(type, surface);
        all.put(name, new ToolDef(name, description, input.schema(), input.names(), args -> call.call(input, args)));
    }

    // ------------------------------------------------------------------ one-shot VMs

    private VmRequest vmRequest(String environment, int vcpuCount, int memMib, int ttlSeconds, boolean network,
                                boolean allowHostCompat) {
        return new VmRequest(environment, vcpuCount, memMib, ttlSeconds, network, allowHostCompat, Defaults.BACKEND);
    }

    /** The client may opt out of isolation only when the person who started the server allowed it. */
    private void checkHostCompat(Map<String, Object> values) {
        if (Boolean.TRUE.equals(values.get("allow_host_compat")) && !ctx.allowHostCompat()) {
            throw dev.pyro.api.PyroException.invalid("allow_host_compat is not permitted on this MCP server: "
                    + "only the person who starts it may allow running without isolation, with `pyro mcp serve "
                    + "--allow-host-compat`");
        }
    }

    private Map<String, Consumer<Map<String, Object>>> hostCompatChecked() {
        return Map.of("allow_host_compat", this::checkHostCompat);
    }

    private void vmTools() {
        addChecked("vm_run", "Run one shell command in a fresh, isolated Linux sandbox that is deleted right after. "
                        + "Use it for a quick check that needs no state (a version, a one-off script); for anything "
                        + "you will come back to, use a workspace. Returns exit_code, stdout, stderr, duration_ms and "
                        + "execution_mode.", VmRun.class,
                (input, args) -> {
                    VmRun in = input.bind(args, hostCompatChecked());
                    return pyro.runInVm(vmRequest(in.environment(), in.vcpuCount(), in.memMib(), in.ttlSeconds(),
                            in.network(), in.allowHostCompat()), in.command(), in.timeoutSeconds());
                });
        add("vm_list_environments", "List the environments a sandbox can boot (name, version, description, whether "
                        + "installed). Use it to pick the environment for vm_create, vm_run or workspace_create.",
                None.class, in -> Map.of("environments", pyro.listEnvironments()));
        addChecked("vm_create", "Create a one-shot VM without starting it; then vm_start and vm_exec (which deletes it "
                        + "afterwards). Prefer vm_run, which does all three. Returns the VM status with vm_id.",
                VmCreate.class, (input, args) -> {
                    VmCreate in = input.bind(args, hostCompatChecked());
                    return pyro.createVm(vmRequest(in.environment(), in.vcpuCount(), in.memMib(), in.ttlSeconds(),
                            in.network(), in.allowHostCompat()));
                });
        add("vm_start", "Boot a VM made by vm_create so vm_exec can run in it. Returns the VM status (state started, execution_mode).",
                VmRef.class, in -> pyro.startVm(in.vmId()));
        add("vm_exec", "Run one command in a started VM; the VM is deleted afterwards whatever the outcome. Returns "
                        + "exit_code, stdout, stderr and the cleanup record.", VmExec.class,
                in -> pyro.execVm(in.vmId(), in.command(), in.timeoutSeconds()));
        add("vm_stop", "Stop a VM's sandbox and keep its record, e.g. to free memory; vm_delete removes it. Returns the VM status.",
                VmRef.class, in -> pyro.stopVm(in.vmId()));
        add("vm_delete", "Delete a VM and everything it holds when you no longer need it. Returns {vm_id, deleted, reason}.",
                VmRef.class, in -> pyro.deleteVm(in.vmId()));
        add("vm_status", "Show a VM's state, size, environment, expiry and execution mode, e.g. to check it is still alive.",
                VmRef.class, in -> pyro.statusVm(in.vmId()));
        add("vm_network_info", "Show whether a VM has network access and its guest addresses; use it when a command cannot reach out.",
                VmRef.class, in -> pyro.networkInfoVm(in.vmId()));
        add("vm_reap_expired", "Delete every VM whose time to live has passed. Returns {deleted_vm_ids, count}.",
                None.class, in -> pyro.reapExpired());
    }

    // ------------------------------------------------------------------ workspaces

    private String seedDescription() {
        String base = "Host directory or .tar/.tar.gz/.tar.zst archive copied into /workspace at create (the "
                + "baseline that reset and diff use); it must lie in the project checkout or a directory the server "
                + "allows (--allow-host-path).";
        return ctx.projectSource() == null ? base + " Omit it for an empty /workspace."
                : base + " Omit it to seed from " + ctx.projectSource().describe() + " (its Git-tracked files).";
    }

    private void workspaceTools() {
        String createText = "Create a persistent, isolated Linux workspace with /workspace seeded from "
                + (ctx.projectSource() == null ? "seed_path (or empty)" : ctx.projectSource().describe()
                + " unless seed_path says otherwise")
                + ". It keeps its files, command history and services across calls until workspace_delete or its "
                + "ttl. Returns the workspace: workspace_id (pass it to every other tool), state, environment, "
                + "workspace_seed (where /workspace came from) and counts.";
        addChecked("workspace_create", createText, WorkspaceCreate.class, this::createWorkspace);
        add("workspace_list", "List the workspaces that exist (id, name, labels, state, expiry, command and "
                        + "service counts). Use it to find a workspace_id again. Returns {count, workspaces}.",
                None.class, in -> pyro.listWorkspaces());
        add("workspace_update", "Rename a workspace or change its labels, to keep parallel workspaces apart. Returns the workspace.",
                WorkspaceUpdate.class, in -> pyro.updateWorkspace(in.workspaceId(), in.name(), in.clearName(),
                        in.labels(), in.clearLabels()));
        add("workspace_status", "Show a workspace: state, environment, seed, secrets (names only), command count, "
                        + "last command, resets and services.", WorkspaceRef.class,
                in -> pyro.statusWorkspace(in.workspaceId()));
        addChecked("workspace_sync_push", "Copy a host directory or archive into the live /workspace (over dest), e.g. "
                        + "after the user changed files on the host. The baseline does not change. Returns "
                        + "workspace_sync {mode, source_path, destination, entry_count, bytes_written}.",
                WorkspaceSyncPush.class, (input, args) -> {
                    Path[] source = {null};
                    WorkspaceSyncPush in = input.bind(args, Map.of("source_path",
                            v -> source[0] = ctx.hostPaths().read("source_path", (String) v.get("source_path"))));
                    return pyro.pushWorkspaceSync(in.workspaceId(), source[0], in.dest());
                });
        add("workspace_exec", "Run a shell command in the workspace (cwd /workspace) and wait for it; files and "
                        + "installed packages persist for later calls. Returns exit_code, stdout, stderr, duration_ms "
                        + "and the command's sequence number in the journal.", WorkspaceExec.class,
                in -> pyro.execWorkspace(in.workspaceId(), in.command(), in.timeoutSeconds(), orEmpty(in.secretEnv()),
                        dev.pyro.api.OutputListener.NONE));
        add("workspace_logs", "The workspace's command journal: every workspace_exec since create or the last "
                        + "reset, with its exit code and output. Returns {workspace_id, count, entries}.",
                WorkspaceRef.class, in -> pyro.logsWorkspace(in.workspaceId()));
        add("workspace_summary", "A review of what happened in the workspace since the last reset: commands run, "
                        + "files changed against the baseline, exports, snapshots and services. Use it before "
                        + "reporting back to the user.", WorkspaceRef.class,
                in -> pyro.summarizeWorkspace(in.workspaceId()));
    }

    private Object createWorkspace(ToolInput<WorkspaceCreate> input, ToolArgs args) {
        Path[] seed = {null};
        WorkspaceCreate in = input.bind(args, Map.of("allow_host_compat", v -> {
            checkHostCompat(v);
            if (v.get("seed_path") != null) {
                seed[0] = ctx.hostPaths().read("seed_path", (String) v.get("seed_path"));
            }
        }));
        WorkspaceRequest request = new WorkspaceRequest(in.environment(), in.vcpuCount(), in.memMib(),
                in.ttlSeconds(), in.networkPolicy(), in.allowHostCompat(), Defaults.BACKEND, seed[0], in.name(),
                in.labels() == null ? Map.of() : in.labels(), secrets(in.secrets()));
        if (in.seedPath() != null || ctx.projectSource() == null) {
            return pyro.createWorkspace(request);
        }
        try (ProjectSeed staged = ProjectSeed.stage(ctx.projectSource())) {
            return pyro.createWorkspace(request.withSeed(staged.seedPath()), staged.origin(),
                    dev.pyro.api.Progress.NONE);
        }
    }

    private List<SecretSpec> secrets(SecretSpec[] specs) {
        if (specs == null) {
            return List.of();
        }
        // Host paths are this server's (not the engine daemon's, whose working directory is /), and
        // confined like every host path the client names.
        return Arrays.stream(specs).map(s -> s.filePath() == null ? s
                : SecretSpec.file(s.name(), ctx.hostPaths().read("file_path", s.filePath()).toString())).toList();
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    // ------------------------------------------------------------------ files, patch, diff, export, reset

    private void fileTools() {
        add("workspace_file_list", "List files in the live /workspace (path, artifact_type, size_bytes, "
                        + "link_target), depth-first when recursive. Use it to explore a repo.", FileList.class,
                in -> pyro.listWorkspaceFiles(in.workspaceId(), in.path(), in.recursive()));
        add("workspace_file_read", "Read a text file from the live /workspace. Returns content (UTF-8), size_bytes "
                        + "and truncated (true when the file is longer than max_bytes).", FileRead.class,
                in -> pyro.readWorkspaceFile(in.workspaceId(), in.path(), in.maxBytes()));
        add("workspace_file_write", "Write a whole text file in /workspace (created or replaced, parents made). For "
                        + "edits to existing files prefer workspace_patch_apply. Returns bytes_written.",
                FileWrite.class, in -> pyro.writeWorkspaceFile(in.workspaceId(), in.path(), in.text()));
        add("workspace_patch_apply", "Apply a unified diff (as from git diff or diff -u; paths relative to "
                        + "/workspace, a/ b/ prefixes allowed) to /workspace, all of it or nothing. Returns changed, "
                        + "a summary and the files added, modified or deleted.", PatchApply.class,
                in -> pyro.applyWorkspacePatch(in.workspaceId(), in.patch()));
        add("workspace_diff", "What changed in /workspace since the baseline (create or last reset): a summary, "
                        + "per-file status and one unified patch. Use it to review work before exporting.",
                WorkspaceRef.class, in -> pyro.diffWorkspace(in.workspaceId()));
        add("workspace_export", "Copy a file or directory from /workspace out to a host path that must not exist "
                        + "yet. This is the explicit way results leave the sandbox. Returns output_path, "
                        + "artifact_type, entry_count and bytes_written.", Export.class,
                in -> pyro.exportWorkspace(in.workspaceId(), in.path(),
                        ctx.hostPaths().write("output_path", in.outputPath()), false));
        add("workspace_reset", "Throw away the workspace's changes: a fresh sandbox with /workspace as in the "
                        + "baseline (or a named snapshot), the command journal restarted. The normal retry step. "
                        + "Returns the workspace plus workspace_reset.", Reset.class,
                in -> pyro.resetWorkspace(in.workspaceId(), in.snapshot()));
        add("workspace_delete", "Delete the workspace: its sandbox, files, journal and snapshots. Export what you "
                        + "need first. Returns {workspace_id, deleted, reason}.", WorkspaceRef.class,
                in -> pyro.deleteWorkspace(in.workspaceId()));
        add("workspace_stop", "Stop the workspace's sandbox and keep its files; workspace_start brings it back. "
                        + "Returns the workspace.", WorkspaceRef.class, in -> pyro.stopWorkspace(in.workspaceId()));
        add("workspace_start", "Start a stopped workspace again with its files as they were (a fresh sandbox on the same disk). Returns the workspace.",
                WorkspaceRef.class, in -> pyro.startWorkspace(in.workspaceId()));
        add("workspace_disk_export", "Write the disk of a STOPPED workspace (its whole root file system, runtime "
                        + "secrets and shell/service state removed) as a raw ext4 image to a host path that must not "
                        + "exist yet, e.g. to inspect it with other tools. Stop the workspace first; it is not changed. "
                        + "Returns {output_path, disk_format: ext4, bytes_written}.", DiskExport.class,
                in -> pyro.exportWorkspaceDisk(in.workspaceId(), ctx.hostPaths().write("output_path", in.outputPath())));
        add("workspace_disk_list", "List files on the disk of a STOPPED workspace, also outside /workspace (e.g. "
                        + "/var/log or what a package install left). Relative paths are inside /workspace. Returns "
                        + "entries {path, artifact_type, size_bytes, link_target}.", DiskList.class,
                in -> pyro.listWorkspaceDisk(in.workspaceId(), in.path(), in.recursive()));
        add("workspace_disk_read", "Read a regular file from the disk of a STOPPED workspace, also outside "
                        + "/workspace. Returns content (UTF-8, invalid bytes replaced), size_bytes and truncated.",
                DiskRead.class, in -> pyro.readWorkspaceDisk(in.workspaceId(), in.path(), in.maxBytes()));
    }

    // ------------------------------------------------------------------ shells

    private void shellTools() {
        add("shell_open", "Open an interactive bash in the workspace (a PTY) for programs that need a terminal or "
                        + "a conversation: REPLs, prompts, long sessions. Returns shell_id; then shell_write and "
                        + "shell_read.", ShellOpen.class,
                in -> pyro.openShell(in.workspaceId(), in.cwd(), in.cols(), in.rows(), orEmpty(in.secretEnv())));
        add("shell_read", "Read a shell's output from cursor. Pass the returned next_cursor to the next read. "
                        + "plain=true strips terminal control sequences for reading; wait_for_idle_ms waits until "
                        + "output has been quiet that long. Returns output, next_cursor, truncated and the state.",
                ShellRead.class, in -> pyro.readShell(in.workspaceId(), in.shellId(), in.cursor(), in.maxChars(),
                        in.plain(), in.waitForIdleMs()));
        add("shell_write", "Type input into a shell (a newline is added unless append_newline is false). Then "
                        + "shell_read to see the answer.", ShellWrite.class,
                in -> pyro.writeShell(in.workspaceId(), in.shellId(), in.input(), in.appendNewline()));
        add("shell_signal", "Send a signal to the shell's foreground program, e.g. INT to interrupt it like Ctrl-C.",
                ShellSignal.class, in -> pyro.signalShell(in.workspaceId(), in.shellId(), in.signalName()));
        add("shell_close", "Close a shell and end the programs running in it, once you are done with it. Returns the shell with closed.",
                ShellRef.class, in -> pyro.closeShell(in.workspaceId(), in.shellId()));
    }

    // ------------------------------------------------------------------ services

    private void serviceTools() {
        add("service_start", "Start a long-running process (a web app, a database) in the workspace and wait until "
                        + "it is ready; its output goes to logs outside /workspace. Returns the service: state "
                        + "(running, or failed with stop_reason), readiness and ready_at.", ServiceStart.class,
                in -> pyro.startService(in.workspaceId(), in.serviceName(), in.command(), in.cwd(), in.readiness(),
                        in.readyTimeoutSeconds(), in.readyIntervalMs(), orEmpty(in.secretEnv()),
                        in.publishedPorts() == null ? List.of() : in.publishedPorts()));
        add("service_list", "List the workspace's services and their states. Returns {count, running_count, "
                        + "services}.", WorkspaceRef.class, in -> pyro.listServices(in.workspaceId()));
        add("service_status", "Show one service: state, pid, readiness, exit code and stop reason; use it to check a service is still running.",
                ServiceRef.class, in -> pyro.statusService(in.workspaceId(), in.serviceName()));
        add("service_logs", "The last lines of a service's stdout and stderr, e.g. to see why it failed.",
                ServiceLogs.class, in -> pyro.logsService(in.workspaceId(), in.serviceName(),
                        in.tailLines() == null || in.tailLines() <= 0 ? null : in.tailLines()));
        add("service_stop", "Stop a service (TERM, then KILL after a grace period). Returns the service.",
                ServiceRef.class, in -> pyro.stopService(in.workspaceId(), in.serviceName()));
    }

    // ------------------------------------------------------------------ snapshots

    private void snapshotTools() {
        add("snapshot_create", "Checkpoint the current /workspace under a name; workspace_reset with that snapshot "
                        + "returns to it. Use it before a risky step.", SnapshotRef.class,
                in -> pyro.createSnapshot(in.workspaceId(), in.snapshotName()));
        add("snapshot_list", "List the workspace's snapshots: the baseline first, then named ones.", WorkspaceRef.class,
                in -> pyro.listSnapshots(in.workspaceId()));
        add("snapshot_delete", "Delete a named snapshot you no longer need (the baseline cannot be deleted). Returns {snapshot_name, deleted}.",
                SnapshotRef.class, in -> pyro.deleteSnapshot(in.workspaceId(), in.snapshotName()));
    }
}
