package dev.pyro.sdk.mcp.tools;

import dev.pyro.api.Defaults;
import dev.pyro.api.OutputListener;
import dev.pyro.api.vm.VmLimits;
import dev.pyro.api.vm.VmRequest;
import dev.pyro.api.workspace.SecretSpec;
import dev.pyro.engine.workspace.WorkspaceFiles;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.api.workspace.service.Readiness;
import dev.pyro.sdk.Pyro;
import dev.pyro.sdk.mcp.McpSurface;
import dev.pyro.sdk.mcp.project.ProjectSeed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every public MCP tool as data (name, description for a model, schema, handler), and the subset a
 * surface exposes. Schemas are narrowed per surface: secrets, network policy and published ports
 * appear only in {@code workspace-full}; descriptions gain a mode's guidance in a named mode.
 *
 * <p>The three stopped-workspace disk tools of the full profile ({@code workspace_disk_export},
 * {@code workspace_disk_list}, {@code workspace_disk_read}) are not here yet: they come with their
 * SDK methods, and {@link #forSurface} serves what the catalog has.
 */
public final class ToolCatalog {

    private static final String WS_ID = "The workspace id returned by workspace_create (or listed by workspace_list).";
    private static final String HOST_OUT = "Host path to create (relative to the server's directory); it must lie in "
            + "the project checkout or a directory the server allows (--allow-host-path).";
    private static final String WS_PATH = "A path in /workspace: relative (to /workspace) or absolute under /workspace.";

    private final ToolContext ctx;
    private final Pyro pyro;
    private final boolean full;
    private final Map<String, ToolDef> all = new LinkedHashMap<>();

    private ToolCatalog(ToolContext ctx) {
        this.ctx = ctx;
        this.pyro = ctx.pyro();
        this.full = ctx.surface().showsAdvancedFields();
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
            if (tool != null) { // the disk tools arrive with their SDK methods
                tools.add(ModeGuidance.apply(ctx.surface(), tool));
            }
        }
        return tools;
    }

    private void add(String name, String description, InputSchema schema, ToolDef.Handler handler) {
        all.put(name, new ToolDef(name, description, schema, handler));
    }

    // ------------------------------------------------------------------ one-shot VMs

    private InputSchema environmentField(InputSchema schema) {
        String text = "Environment to boot, e.g. debian:12 (git, curl, python3), debian:12-base (smallest) or "
                + "debian:12-build (compilers, make).";
        return ctx.defaultEnvironment() == null ? schema.requiredString("environment", text)
                : schema.string("environment", text + " Defaults to this server's " + ctx.defaultEnvironment() + ".",
                        ctx.defaultEnvironment());
    }

    private String environment(ToolArgs a) {
        return ctx.defaultEnvironment() == null ? a.requiredString("environment")
                : a.string("environment", ctx.defaultEnvironment());
    }

    private InputSchema vmSizing(InputSchema s) {
        return s.integer("vcpu_count", "Virtual CPUs, 1-8.", VmLimits.DEFAULT_VCPU_COUNT)
                .integer("mem_mib", "Guest memory in MiB, 256-32768.", VmLimits.DEFAULT_MEM_MIB);
    }

    private VmRequest vmRequest(ToolArgs a) {
        return new VmRequest(environment(a), a.integer("vcpu_count", VmLimits.DEFAULT_VCPU_COUNT),
                a.integer("mem_mib", VmLimits.DEFAULT_MEM_MIB), a.integer("ttl_seconds", VmLimits.DEFAULT_TTL_SECONDS),
                a.bool("network", false), allowHostCompat(a), "auto");
    }

    /** The client may opt out of isolation only when the person who started the server allowed it. */
    private boolean allowHostCompat(ToolArgs a) {
        boolean asked = a.bool("allow_host_compat", false);
        if (asked && !ctx.allowHostCompat()) {
            throw dev.pyro.api.PyroException.invalid("allow_host_compat is not permitted on this MCP server: "
                    + "only the person who starts it may allow running without isolation, with `pyro mcp serve "
                    + "--allow-host-compat`");
        }
        return asked;
    }

    private void vmTools() {
        add("vm_run", "Run one shell command in a fresh, isolated Linux sandbox that is deleted right after. "
                        + "Use it for a quick check that needs no state (a version, a one-off script); for anything "
                        + "you will come back to, use a workspace. Returns exit_code, stdout, stderr, duration_ms and "
                        + "execution_mode.",
                vmSizing(environmentField(InputSchema.object())
                        .requiredString("command", "Shell command, run with sh -lc in the guest."))
                        .integer("timeout_seconds", "Seconds before the command is killed.", VmLimits.DEFAULT_TIMEOUT_SECONDS)
                        .integer("ttl_seconds", "Seconds the sandbox may live at most, 60-3600.", VmLimits.DEFAULT_TTL_SECONDS)
                        .bool("network", "Give the guest outbound network access.", false)
                        .bool("allow_host_compat", "Allow running on the host without isolation when no sandbox backend "
                                + "works. Leave false unless the user asked for it; refused unless the server was started with --allow-host-compat.", false),
                a -> pyro.runInVm(vmRequest(a), a.requiredString("command"),
                        a.integer("timeout_seconds", VmLimits.DEFAULT_TIMEOUT_SECONDS)));
        add("vm_list_environments", "List the environments a sandbox can boot (name, version, description, whether "
                        + "installed). Use it to pick the environment for vm_create, vm_run or workspace_create.",
                InputSchema.object(), a -> Map.of("environments", pyro.listEnvironments()));
        add("vm_create", "Create a one-shot VM without starting it; then vm_start and vm_exec (which deletes it "
                        + "afterwards). Prefer vm_run, which does all three. Returns the VM status with vm_id.",
                vmSizing(environmentField(InputSchema.object()))
                        .integer("ttl_seconds", "Seconds the VM may live at most, 60-3600.", VmLimits.DEFAULT_TTL_SECONDS)
                        .bool("network", "Give the guest outbound network access.", false)
                        .bool("allow_host_compat", "Allow running on the host without isolation. Leave false unless "
                                + "the user asked for it; refused unless the server was started with --allow-host-compat.", false),
                a -> pyro.createVm(vmRequest(a)));
        add("vm_start", "Boot a VM made by vm_create so vm_exec can run in it. Returns the VM status (state started, execution_mode).",
                vmId(), a -> pyro.startVm(a.requiredString("vm_id")));
        add("vm_exec", "Run one command in a started VM; the VM is deleted afterwards whatever the outcome. Returns "
                        + "exit_code, stdout, stderr and the cleanup record.",
                vmId().requiredString("command", "Shell command, run with sh -lc in the guest.")
                        .integer("timeout_seconds", "Seconds before the command is killed.", VmLimits.DEFAULT_TIMEOUT_SECONDS),
                a -> pyro.execVm(a.requiredString("vm_id"), a.requiredString("command"),
                        a.integer("timeout_seconds", VmLimits.DEFAULT_TIMEOUT_SECONDS)));
        add("vm_stop", "Stop a VM's sandbox and keep its record, e.g. to free memory; vm_delete removes it. Returns the VM status.", vmId(),
                a -> pyro.stopVm(a.requiredString("vm_id")));
        add("vm_delete", "Delete a VM and everything it holds when you no longer need it. Returns {vm_id, deleted, reason}.", vmId(),
                a -> pyro.deleteVm(a.requiredString("vm_id")));
        add("vm_status", "Show a VM's state, size, environment, expiry and execution mode, e.g. to check it is still alive.", vmId(),
                a -> pyro.statusVm(a.requiredString("vm_id")));
        add("vm_network_info", "Show whether a VM has network access and its guest addresses; use it when a command cannot reach out.", vmId(),
                a -> pyro.networkInfoVm(a.requiredString("vm_id")));
        add("vm_reap_expired", "Delete every VM whose time to live has passed. Returns {deleted_vm_ids, count}.",
                InputSchema.object(), a -> pyro.reapExpired());
    }

    private static InputSchema vmId() {
        return InputSchema.object().requiredString("vm_id", "The VM id returned by vm_create.");
    }

    private static InputSchema workspaceId() {
        return InputSchema.object().requiredString("workspace_id", WS_ID);
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
        InputSchema create = vmSizing(environmentField(InputSchema.object()))
                .integer("ttl_seconds", "Seconds the workspace may live at most, 60-3600.", VmLimits.DEFAULT_TTL_SECONDS);
        if (full) {
            create.oneOf("network_policy", "Guest network: off (none), egress (outbound only), "
                    + "egress+published-ports (outbound and host ports for services).", "off",
                    List.of("off", "egress", "egress+published-ports"));
        }
        create.bool("allow_host_compat", "Allow running on the host without isolation. Leave false unless the user "
                        + "asked for it; refused unless the server was started with --allow-host-compat.", false)
                .string("seed_path", seedDescription(), null);
        if (full) {
            create.custom("secrets", Map.of("type", "array", "description",
                    "Secrets available only inside the guest (never in /workspace, redacted from output): each "
                            + "{name, value} or {name, file_path} (a host file). Use them with secret_env.",
                    "items", Map.of("type", "object", "properties", Map.of(
                            "name", Map.of("type", "string"),
                            "value", Map.of("type", "string"),
                            "file_path", Map.of("type", "string")), "required", List.of("name"))));
        }
        create.string("name", "A short name for the workspace (at most 120 characters).", null)
                .stringMap("labels", "Labels as string pairs, e.g. {\"issue\": \"123\"}.");
        String createText = "Create a persistent, isolated Linux workspace with /workspace seeded from "
                + (ctx.projectSource() == null ? "seed_path (or empty)" : ctx.projectSource().describe()
                + " unless seed_path says otherwise")
                + ". It keeps its files, command history and services across calls until workspace_delete or its "
                + "ttl. Returns the workspace: workspace_id (pass it to every other tool), state, environment, "
                + "workspace_seed (where /workspace came from) and counts.";
        add("workspace_create", createText, create, this::createWorkspace);
        add("workspace_list", "List the workspaces that exist (id, name, labels, state, expiry, command and "
                        + "service counts). Use it to find a workspace_id again. Returns {count, workspaces}.",
                InputSchema.object(), a -> pyro.listWorkspaces());
        add("workspace_update", "Rename a workspace or change its labels, to keep parallel workspaces apart. Returns the workspace.",
                workspaceId().string("name", "New name.", null)
                        .bool("clear_name", "Remove the name.", false)
                        .stringMap("labels", "Labels to add or replace.")
                        .stringList("clear_labels", "Label keys to remove."),
                a -> pyro.updateWorkspace(a.requiredString("workspace_id"), a.string("name", null),
                        a.bool("clear_name", false), a.stringMap("labels"), a.stringList("clear_labels")));
        add("workspace_status", "Show a workspace: state, environment, seed, secrets (names only), command count, "
                        + "last command, resets and services.", workspaceId(),
                a -> pyro.statusWorkspace(a.requiredString("workspace_id")));
        add("workspace_sync_push", "Copy a host directory or archive into the live /workspace (over dest), e.g. "
                        + "after the user changed files on the host. The baseline does not change. Returns "
                        + "workspace_sync {mode, source_path, destination, entry_count, bytes_written}.",
                workspaceId().requiredString("source_path", "Host directory or .tar/.tar.gz/.tar.zst archive in the project "
                                + "checkout or a directory the server allows (--allow-host-path).")
                        .string("dest", "Where in /workspace to put it.", "/workspace"),
                a -> pyro.pushWorkspaceSync(a.requiredString("workspace_id"),
                        ctx.hostPaths().read("source_path", a.requiredString("source_path")),
                        a.string("dest", "/workspace")));
        InputSchema exec = workspaceId().requiredString("command", "Shell command, run with sh -lc in /workspace.")
                .integer("timeout_seconds", "Seconds before the command is killed.", VmLimits.DEFAULT_TIMEOUT_SECONDS);
        if (full) {
            exec.stringMap("secret_env", "Secrets as environment variables for this command: "
                    + "{\"SECRET_NAME\": \"ENV_VAR\"}.");
        }
        add("workspace_exec", "Run a shell command in the workspace (cwd /workspace) and wait for it; files and "
                        + "installed packages persist for later calls. Returns exit_code, stdout, stderr, duration_ms "
                        + "and the command's sequence number in the journal.", exec,
                a -> pyro.execWorkspace(a.requiredString("workspace_id"), a.requiredString("command"),
                        a.integer("timeout_seconds", VmLimits.DEFAULT_TIMEOUT_SECONDS),
                        full && a.has("secret_env") ? a.stringMap("secret_env") : Map.of(),
                        dev.pyro.api.OutputListener.NONE));
        add("workspace_logs", "The workspace's command journal: every workspace_exec since create or the last "
                        + "reset, with its exit code and output. Returns {workspace_id, count, entries}.",
                workspaceId(), a -> pyro.logsWorkspace(a.requiredString("workspace_id")));
        add("workspace_summary", "A review of what happened in the workspace since the last reset: commands run, "
                        + "files changed against the baseline, exports, snapshots and services. Use it before "
                        + "reporting back to the user.", workspaceId(),
                a -> pyro.summarizeWorkspace(a.requiredString("workspace_id")));
    }

    private Object createWorkspace(ToolArgs a) {
        String seed = a.string("seed_path", null);
        WorkspaceRequest request = new WorkspaceRequest(environment(a),
                a.integer("vcpu_count", VmLimits.DEFAULT_VCPU_COUNT), a.integer("mem_mib", VmLimits.DEFAULT_MEM_MIB),
                a.integer("ttl_seconds", VmLimits.DEFAULT_TTL_SECONDS),
                full ? a.string("network_policy", "off") : "off", allowHostCompat(a), "auto",
                seed == null ? null : ctx.hostPaths().read("seed_path", seed), a.string("name", null),
                a.has("labels") ? a.stringMap("labels") : Map.of(), full ? secrets(a) : List.of());
        if (seed != null || ctx.projectSource() == null) {
            return pyro.createWorkspace(request);
        }
        try (ProjectSeed staged = ProjectSeed.stage(ctx.projectSource())) {
            return pyro.createWorkspace(request.withSeed(staged.seedPath()), staged.origin(),
                    dev.pyro.api.Progress.NONE);
        }
    }

    private List<SecretSpec> secrets(ToolArgs a) {
        SecretSpec[] specs = a.convert("secrets", SecretSpec[].class,
                "a list of {name, value} or {name, file_path} objects");
        if (specs == null) {
            return List.of();
        }
        // Host paths are this server's (not the engine daemon's, whose working directory is /), and
        // confined like every host path the client names.
        return java.util.Arrays.stream(specs).map(s -> s.filePath() == null ? s
                : SecretSpec.file(s.name(), ctx.hostPaths().read("file_path", s.filePath()).toString())).toList();
    }

    // ------------------------------------------------------------------ files, patch, diff, export, reset

    private void fileTools() {
        add("workspace_file_list", "List files in the live /workspace (path, artifact_type, size_bytes, "
                        + "link_target), depth-first when recursive. Use it to explore a repo.",
                workspaceId().string("path", WS_PATH, "/workspace")
                        .bool("recursive", "Descend into subdirectories.", false),
                a -> pyro.listWorkspaceFiles(a.requiredString("workspace_id"), a.string("path", "/workspace"),
                        a.bool("recursive", false)));
        add("workspace_file_read", "Read a text file from the live /workspace. Returns content (UTF-8), size_bytes "
                        + "and truncated (true when the file is longer than max_bytes).",
                workspaceId().requiredString("path", WS_PATH)
                        .integer("max_bytes", "Bytes to read at most, up to 1048576.", Defaults.FILE_READ_MAX_BYTES),
                a -> pyro.readWorkspaceFile(a.requiredString("workspace_id"), a.requiredString("path"),
                        a.integer("max_bytes", Defaults.FILE_READ_MAX_BYTES)));
        add("workspace_file_write", "Write a whole text file in /workspace (created or replaced, parents made). For "
                        + "edits to existing files prefer workspace_patch_apply. Returns bytes_written.",
                workspaceId().requiredString("path", WS_PATH).requiredString("text", "The file's full new content."),
                a -> pyro.writeWorkspaceFile(a.requiredString("workspace_id"), a.requiredString("path"),
                        a.string("text", "")));
        add("workspace_patch_apply", "Apply a unified diff (as from git diff or diff -u; paths relative to "
                        + "/workspace, a/ b/ prefixes allowed) to /workspace, all of it or nothing. Returns changed, "
                        + "a summary and the files added, modified or deleted.",
                workspaceId().requiredString("patch", "The unified diff text."),
                a -> pyro.applyWorkspacePatch(a.requiredString("workspace_id"), a.requiredString("patch")));
        add("workspace_diff", "What changed in /workspace since the baseline (create or last reset): a summary, "
                        + "per-file status and one unified patch. Use it to review work before exporting.",
                workspaceId(), a -> pyro.diffWorkspace(a.requiredString("workspace_id")));
        add("workspace_export", "Copy a file or directory from /workspace out to a host path that must not exist "
                        + "yet. This is the explicit way results leave the sandbox. Returns output_path, "
                        + "artifact_type, entry_count and bytes_written.",
                workspaceId().requiredString("path", WS_PATH)
                        .requiredString("output_path", HOST_OUT),
                a -> pyro.exportWorkspace(a.requiredString("workspace_id"), a.requiredString("path"),
                        ctx.hostPaths().write("output_path", a.requiredString("output_path")), false));
        add("workspace_reset", "Throw away the workspace's changes: a fresh sandbox with /workspace as in the "
                        + "baseline (or a named snapshot), the command journal restarted. The normal retry step. "
                        + "Returns the workspace plus workspace_reset.",
                workspaceId().string("snapshot", "baseline, or the name of a snapshot.", "baseline"),
                a -> pyro.resetWorkspace(a.requiredString("workspace_id"), a.string("snapshot", "baseline")));
        add("workspace_delete", "Delete the workspace: its sandbox, files, journal and snapshots. Export what you "
                        + "need first. Returns {workspace_id, deleted, reason}.",
                workspaceId(), a -> pyro.deleteWorkspace(a.requiredString("workspace_id")));
        add("workspace_stop", "Stop the workspace's sandbox and keep its files; workspace_start brings it back. "
                        + "Returns the workspace.", workspaceId(),
                a -> pyro.stopWorkspace(a.requiredString("workspace_id")));
        add("workspace_start", "Start a stopped workspace again with its files as they were (a fresh sandbox on the same disk). Returns the workspace.",
                workspaceId(), a -> pyro.startWorkspace(a.requiredString("workspace_id")));
        add("workspace_disk_export", "Write the disk of a STOPPED workspace (its whole root file system, runtime "
                        + "secrets and shell/service state removed) as a raw ext4 image to a host path that must not "
                        + "exist yet, e.g. to inspect it with other tools. Stop the workspace first; it is not changed. "
                        + "Returns {output_path, disk_format: ext4, bytes_written}.",
                workspaceId().requiredString("output_path", HOST_OUT),
                a -> pyro.exportWorkspaceDisk(a.requiredString("workspace_id"),
                        ctx.hostPaths().write("output_path", a.requiredString("output_path"))));
        add("workspace_disk_list", "List files on the disk of a STOPPED workspace, also outside /workspace (e.g. "
                        + "/var/log or what a package install left). Relative paths are inside /workspace. Returns "
                        + "entries {path, artifact_type, size_bytes, link_target}.",
                workspaceId().string("path", "A path on the workspace's disk; relative ones are inside /workspace.",
                        "/workspace").bool("recursive", "Descend into subdirectories.", false),
                a -> pyro.listWorkspaceDisk(a.requiredString("workspace_id"), a.string("path", "/workspace"),
                        a.bool("recursive", false)));
        add("workspace_disk_read", "Read a regular file from the disk of a STOPPED workspace, also outside "
                        + "/workspace. Returns content (UTF-8, invalid bytes replaced), size_bytes and truncated.",
                workspaceId().requiredString("path", "A file on the workspace's disk; relative paths are inside /workspace.")
                        .integer("max_bytes", "Bytes to read at most, up to 1048576.", Defaults.FILE_READ_MAX_BYTES),
                a -> pyro.readWorkspaceDisk(a.requiredString("workspace_id"), a.requiredString("path"),
                        a.integer("max_bytes", Defaults.FILE_READ_MAX_BYTES)));
    }

    // ------------------------------------------------------------------ shells

    private void shellTools() {
        InputSchema open = workspaceId().string("cwd", "Starting directory in /workspace.", "/workspace")
                .integer("cols", "Terminal width.", 120).integer("rows", "Terminal height.", 30);
        if (full) {
            open.stringMap("secret_env", "Secrets as environment variables in the shell: {\"SECRET_NAME\": \"ENV_VAR\"}.");
        }
        add("shell_open", "Open an interactive bash in the workspace (a PTY) for programs that need a terminal or "
                        + "a conversation: REPLs, prompts, long sessions. Returns shell_id; then shell_write and "
                        + "shell_read.", open,
                a -> pyro.openShell(a.requiredString("workspace_id"), a.string("cwd", "/workspace"),
                        a.integer("cols", 120), a.integer("rows", 30),
                        full && a.has("secret_env") ? a.stringMap("secret_env") : Map.of()));
        add("shell_read", "Read a shell's output from cursor. Pass the returned next_cursor to the next read. "
                        + "plain=true strips terminal control sequences for reading; wait_for_idle_ms waits until "
                        + "output has been quiet that long. Returns output, next_cursor, truncated and the state.",
                shellId().integer("cursor", "Offset to read from (next_cursor of the last read).", 0)
                        .integer("max_chars", "Characters to return at most.", 65536)
                        .bool("plain", "Render as plain text for a chat.", false)
                        .integer("wait_for_idle_ms", "Wait until the output is quiet this long (at most 10000).", null),
                a -> pyro.readShell(a.requiredString("workspace_id"), a.requiredString("shell_id"),
                        a.integer("cursor", 0), a.integer("max_chars", 65536), a.bool("plain", false),
                        a.optionalInteger("wait_for_idle_ms")));
        add("shell_write", "Type input into a shell (a newline is added unless append_newline is false). Then "
                        + "shell_read to see the answer.",
                shellId().requiredString("input", "Text to type.")
                        .bool("append_newline", "Press Enter after the input.", true),
                a -> pyro.writeShell(a.requiredString("workspace_id"), a.requiredString("shell_id"),
                        a.string("input", ""), a.bool("append_newline", true)));
        add("shell_signal", "Send a signal to the shell's foreground program, e.g. INT to interrupt it like Ctrl-C.",
                shellId().oneOf("signal_name", "The signal.", "INT", List.of("HUP", "INT", "TERM", "KILL")),
                a -> pyro.signalShell(a.requiredString("workspace_id"), a.requiredString("shell_id"),
                        a.string("signal_name", "INT")));
        add("shell_close", "Close a shell and end the programs running in it, once you are done with it. Returns the shell with closed.", shellId(),
                a -> pyro.closeShell(a.requiredString("workspace_id"), a.requiredString("shell_id")));
    }

    private static InputSchema shellId() {
        return workspaceId().requiredString("shell_id", "The shell id returned by shell_open.");
    }

    // ------------------------------------------------------------------ services

    private void serviceTools() {
        InputSchema start = serviceName().requiredString("command", "Shell command that runs the service in the "
                        + "foreground, e.g. python3 -m http.server 8080.")
                .string("cwd", "Working directory in /workspace.", "/workspace")
                .custom("readiness", Map.of("type", "object", "description",
                        "When the service counts as ready: {\"type\":\"file\",\"path\":\".ready\"}, "
                                + "{\"type\":\"tcp\",\"address\":\"127.0.0.1:8080\"}, "
                                + "{\"type\":\"http\",\"url\":\"http://127.0.0.1:8080/\"} or "
                                + "{\"type\":\"command\",\"command\":\"test -f ok\"}. Omit it: ready at once.",
                        "properties", Map.of("type", Map.of("type", "string", "enum",
                                        List.of("file", "tcp", "http", "command")),
                                "path", Map.of("type", "string"), "address", Map.of("type", "string"),
                                "url", Map.of("type", "string"), "command", Map.of("type", "string")),
                        "required", List.of("type")))
                .integer("ready_timeout_seconds", "Seconds to wait for readiness.", 30)
                .integer("ready_interval_ms", "Milliseconds between readiness probes.", 500);
        if (full) {
            start.stringMap("secret_env", "Secrets as environment variables for the service: {\"SECRET_NAME\": \"ENV_VAR\"}.")
                    .custom("published_ports", Map.of("type", "array", "description",
                            "Guest ports to publish on the host's 127.0.0.1 (needs network_policy "
                                    + "egress+published-ports): [{\"guest_port\": 8080}] or with host_port.",
                            "items", Map.of("type", "object", "properties", Map.of(
                                    "guest_port", Map.of("type", "integer"),
                                    "host_port", Map.of("type", "integer")), "required", List.of("guest_port"))));
        }
        add("service_start", "Start a long-running process (a web app, a database) in the workspace and wait until "
                        + "it is ready; its output goes to logs outside /workspace. Returns the service: state "
                        + "(running, or failed with stop_reason), readiness and ready_at.", start,
                this::startService);
        add("service_list", "List the workspace's services and their states. Returns {count, running_count, "
                        + "services}.", workspaceId(), a -> pyro.listServices(a.requiredString("workspace_id")));
        add("service_status", "Show one service: state, pid, readiness, exit code and stop reason; use it to check a service is still running.", serviceName(),
                a -> pyro.statusService(a.requiredString("workspace_id"), a.requiredString("service_name")));
        add("service_logs", "The last lines of a service's stdout and stderr, e.g. to see why it failed.",
                serviceName().integer("tail_lines", "Lines per stream from the end; null or 0 for all.", 200),
                a -> {
                    Integer tail = a.explicitNull("tail_lines") ? Integer.valueOf(0) : a.optionalInteger("tail_lines");
                    return pyro.logsService(a.requiredString("workspace_id"), a.requiredString("service_name"),
                            tail == null ? Integer.valueOf(200) : tail <= 0 ? null : tail);
                });
        add("service_stop", "Stop a service (TERM, then KILL after a grace period). Returns the service.",
                serviceName(), a -> pyro.stopService(a.requiredString("workspace_id"), a.requiredString("service_name")));
    }

    private Object startService(ToolArgs a) {
        Readiness readiness = a.convert("readiness", Readiness.class, "an object such as {\"type\":\"file\",\"path\":\".ready\"}");
        // passed as sent: the engine checks each entry and names what is wrong in the spec's words
        List<?> ports = full && a.has("published_ports")
                ? a.convert("published_ports", List.class, "a list of {guest_port, host_port?} objects") : List.of();
        return pyro.startService(a.requiredString("workspace_id"), a.requiredString("service_name"),
                a.requiredString("command"), a.string("cwd", "/workspace"), readiness,
                a.integer("ready_timeout_seconds", 30), a.integer("ready_interval_ms", 500),
                full && a.has("secret_env") ? a.stringMap("secret_env") : Map.of(), ports);
    }

    private static InputSchema serviceName() {
        return workspaceId().requiredString("service_name", "The service's name (letters, digits, . _ -).");
    }

    // ------------------------------------------------------------------ snapshots

    private void snapshotTools() {
        InputSchema named = workspaceId().requiredString("snapshot_name", "The snapshot's name.");
        add("snapshot_create", "Checkpoint the current /workspace under a name; workspace_reset with that snapshot "
                        + "returns to it. Use it before a risky step.", named,
                a -> pyro.createSnapshot(a.requiredString("workspace_id"), a.requiredString("snapshot_name")));
        add("snapshot_list", "List the workspace's snapshots: the baseline first, then named ones.", workspaceId(),
                a -> pyro.listSnapshots(a.requiredString("workspace_id")));
        add("snapshot_delete", "Delete a named snapshot you no longer need (the baseline cannot be deleted). Returns {snapshot_name, deleted}.",
                workspaceId().requiredString("snapshot_name", "The snapshot's name."),
                a -> pyro.deleteSnapshot(a.requiredString("workspace_id"), a.requiredString("snapshot_name")));
    }

}
