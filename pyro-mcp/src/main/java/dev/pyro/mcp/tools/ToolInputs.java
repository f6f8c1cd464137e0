package dev.pyro.mcp.tools;

import dev.pyro.api.Defaults;
import dev.pyro.api.vm.VmLimits;
import dev.pyro.api.workspace.SecretSpec;
import dev.pyro.api.workspace.service.Readiness;
import java.util.List;
import java.util.Map;

/**
 * Every tool's input as a record, in the schema's field order: {@link ToolInput} generates the
 * inputSchema from these and binds a call's arguments to them. Tools with the same arguments share
 * a record.
 */
final class ToolInputs {

    static final String WS_ID = "The workspace id returned by workspace_create (or listed by workspace_list).";
    static final String HOST_OUT = "Host path to create (relative to the server's directory); it must lie in "
            + "the project checkout or a directory the server allows (--allow-host-path).";
    static final String WS_PATH = "A path in /workspace: relative (to /workspace) or absolute under /workspace.";
    static final String ENVIRONMENT = "Environment to boot, e.g. debian:12 (git, curl, python3), debian:12-base "
            + "(smallest) or debian:12-build (compilers, make).";
    static final String VCPUS = "Virtual CPUs, 1-8.";
    static final String MEM = "Guest memory in MiB, 256-32768.";
    static final String TIMEOUT = "Seconds before the command is killed.";
    static final String GUEST_COMMAND = "Shell command, run with sh -lc in the guest.";
    static final String NETWORK = "Give the guest outbound network access.";
    static final String HOST_COMPAT = "Allow running on the host without isolation. Leave false unless the user "
            + "asked for it; refused unless the server was started with --allow-host-compat.";
    static final String SERVICE_NAME = "The service's name (letters, digits, . _ -).";
    static final String SHELL_ID = "The shell id returned by shell_open.";
    static final String SNAPSHOT_NAME = "The snapshot's name.";
    static final String RECURSIVE = "Descend into subdirectories.";
    static final String MAX_BYTES = "Bytes to read at most, up to 1048576.";
    static final String DEFAULT_VCPUS = "" + VmLimits.DEFAULT_VCPU_COUNT;
    static final String DEFAULT_MEM = "" + VmLimits.DEFAULT_MEM_MIB;
    static final String DEFAULT_TTL = "" + VmLimits.DEFAULT_TTL_SECONDS;
    static final String DEFAULT_TIMEOUT = "" + VmLimits.DEFAULT_TIMEOUT_SECONDS;
    static final String DEFAULT_MAX_BYTES = "" + Defaults.FILE_READ_MAX_BYTES;
    static final String DEFAULT_DISK_MAX_BYTES = "" + Defaults.DISK_READ_MAX_BYTES;
    static final String WORKSPACE = Defaults.WORKSPACE_PATH;

    private ToolInputs() {
    }

    /** Tools without arguments. */
    record None() {
    }

    // ------------------------------------------------------------------ one-shot VMs

    @ReadOrder({"environment", "vcpu_count", "mem_mib", "ttl_seconds", "network", "allow_host_compat", "command",
            "timeout_seconds"})
    record VmRun(
            @Arg(value = ENVIRONMENT, environment = true) String environment,
            @Arg(value = GUEST_COMMAND, required = true) String command,
            @Arg(value = VCPUS, dflt = DEFAULT_VCPUS) int vcpuCount,
            @Arg(value = MEM, dflt = DEFAULT_MEM) int memMib,
            @Arg(value = TIMEOUT, dflt = DEFAULT_TIMEOUT) int timeoutSeconds,
            @Arg(value = "Seconds the sandbox may live at most, 60-3600.", dflt = DEFAULT_TTL) int ttlSeconds,
            @Arg(value = NETWORK, dflt = "false") boolean network,
            @Arg(value = "Allow running on the host without isolation when no sandbox backend works. Leave false "
                    + "unless the user asked for it; refused unless the server was started with --allow-host-compat.",
                    dflt = "false") boolean allowHostCompat) {
    }

    record VmCreate(
            @Arg(value = ENVIRONMENT, environment = true) String environment,
            @Arg(value = VCPUS, dflt = DEFAULT_VCPUS) int vcpuCount,
            @Arg(value = MEM, dflt = DEFAULT_MEM) int memMib,
            @Arg(value = "Seconds the VM may live at most, 60-3600.", dflt = DEFAULT_TTL) int ttlSeconds,
            @Arg(value = NETWORK, dflt = "false") boolean network,
            @Arg(value = HOST_COMPAT, dflt = "false") boolean allowHostCompat) {
    }

    record VmRef(@Arg(value = "The VM id returned by vm_create.", required = true) String vmId) {
    }

    record VmExec(
            @Arg(value = "The VM id returned by vm_create.", required = true) String vmId,
            @Arg(value = GUEST_COMMAND, required = true) String command,
            @Arg(value = TIMEOUT, dflt = DEFAULT_TIMEOUT) int timeoutSeconds) {
    }

    // ------------------------------------------------------------------ workspaces

    record WorkspaceRef(@Arg(value = WS_ID, required = true) String workspaceId) {
    }

    /** seed_path's description depends on the server's project source; the catalog sets it. */
    @ReadOrder({"seed_path", "environment", "vcpu_count", "mem_mib", "ttl_seconds", "network_policy",
            "allow_host_compat", "name", "labels", "secrets"})
    record WorkspaceCreate(
            @Arg(value = ENVIRONMENT, environment = true) String environment,
            @Arg(value = VCPUS, dflt = DEFAULT_VCPUS) int vcpuCount,
            @Arg(value = MEM, dflt = DEFAULT_MEM) int memMib,
            @Arg(value = "Seconds the workspace may live at most, 60-3600.", dflt = DEFAULT_TTL) int ttlSeconds,
            @Arg(value = "Guest network: off (none), egress (outbound only), egress+published-ports (outbound and "
                    + "host ports for services).", dflt = "off", oneOf = {"off", "egress", "egress+published-ports"},
                    full = true) String networkPolicy,
            @Arg(value = HOST_COMPAT, dflt = "false") boolean allowHostCompat,
            @Arg(value = "(set by the catalog)") String seedPath,
            @Arg(value = "", schema = "secrets", shape = "a list of {name, value} or {name, file_path} objects",
                    full = true) SecretSpec[] secrets,
            @Arg(value = "A short name for the workspace (at most 120 characters).") String name,
            @Arg(value = "Labels as string pairs, e.g. {\"issue\": \"123\"}.") Map<String, String> labels) {
    }

    record WorkspaceUpdate(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = "New name.") String name,
            @Arg(value = "Remove the name.", dflt = "false") boolean clearName,
            @Arg(value = "Labels to add or replace.") Map<String, String> labels,
            @Arg(value = "Label keys to remove.") List<String> clearLabels) {
    }

    record WorkspaceSyncPush(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = "Host directory or .tar/.tar.gz/.tar.zst archive in the project checkout or a directory the "
                    + "server allows (--allow-host-path).", required = true) String sourcePath,
            @Arg(value = "Where in /workspace to put it.", dflt = WORKSPACE) String dest) {
    }

    record WorkspaceExec(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = "Shell command, run with sh -lc in /workspace.", required = true) String command,
            @Arg(value = TIMEOUT, dflt = DEFAULT_TIMEOUT) int timeoutSeconds,
            @Arg(value = "Secrets as environment variables for this command: {\"SECRET_NAME\": \"ENV_VAR\"}.",
                    full = true) Map<String, String> secretEnv) {
    }

    // ------------------------------------------------------------------ files, patch, diff, export, reset, disk

    record FileList(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = WS_PATH, dflt = WORKSPACE) String path,
            @Arg(value = RECURSIVE, dflt = "false") boolean recursive) {
    }

    record FileRead(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = WS_PATH, required = true) String path,
            @Arg(value = MAX_BYTES, dflt = DEFAULT_MAX_BYTES) int maxBytes) {
    }

    record FileWrite(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = WS_PATH, required = true) String path,
            @Arg(value = "The file's full new content.", required = true, lenient = true) String text) {
    }

    record PatchApply(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = "The unified diff text.", required = true) String patch) {
    }

    record Export(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = WS_PATH, required = true) String path,
            @Arg(value = HOST_OUT, required = true) String outputPath) {
    }

    record Reset(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = "baseline, or the name of a snapshot.", dflt = "baseline") String snapshot) {
    }

    record DiskExport(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = HOST_OUT, required = true) String outputPath) {
    }

    record DiskList(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = "A path on the workspace's disk; relative ones are inside /workspace.", dflt = WORKSPACE)
            String path,
            @Arg(value = RECURSIVE, dflt = "false") boolean recursive) {
    }

    record DiskRead(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = "A file on the workspace's disk; relative paths are inside /workspace.", required = true)
            String path,
            @Arg(value = MAX_BYTES, dflt = DEFAULT_DISK_MAX_BYTES) int maxBytes) {
    }

    // ------------------------------------------------------------------ shells

    record ShellOpen(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = "Starting directory in /workspace.", dflt = WORKSPACE) String cwd,
            @Arg(value = "Terminal width.", dflt = "" + Defaults.SHELL_COLS) int cols,
            @Arg(value = "Terminal height.", dflt = "" + Defaults.SHELL_ROWS) int rows,
            @Arg(value = "Secrets as environment variables in the shell: {\"SECRET_NAME\": \"ENV_VAR\"}.", full = true)
            Map<String, String> secretEnv) {
    }

    record ShellRef(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = SHELL_ID, required = true) String shellId) {
    }

    record ShellRead(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = SHELL_ID, required = true) String shellId,
            @Arg(value = "Offset to read from (next_cursor of the last read).", dflt = "0") int cursor,
            @Arg(value = "Characters to return at most.", dflt = "" + Defaults.SHELL_READ_MAX_CHARS) int maxChars,
            @Arg(value = "Render as plain text for a chat.", dflt = "false") boolean plain,
            @Arg(value = "Wait until the output is quiet this long (at most 10000).") Integer waitForIdleMs) {
    }

    record ShellWrite(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = SHELL_ID, required = true) String shellId,
            @Arg(value = "Text to type.", required = true, lenient = true) String input,
            @Arg(value = "Press Enter after the input.", dflt = "true") boolean appendNewline) {
    }

    record ShellSignal(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = SHELL_ID, required = true) String shellId,
            @Arg(value = "The signal.", dflt = "INT", oneOf = {"HUP", "INT", "TERM", "KILL"}) String signalName) {
    }

    // ------------------------------------------------------------------ services

    record ServiceRef(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = SERVICE_NAME, required = true) String serviceName) {
    }

    @ReadOrder({"readiness", "published_ports", "workspace_id", "service_name", "command", "cwd",
            "ready_timeout_seconds", "ready_interval_ms", "secret_env"})
    record ServiceStart(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = SERVICE_NAME, required = true) String serviceName,
            @Arg(value = "Shell command that runs the service in the foreground, e.g. python3 -m http.server 8080.",
                    required = true) String command,
            @Arg(value = "Working directory in /workspace.", dflt = WORKSPACE) String cwd,
            @Arg(value = "", schema = "readiness", shape = "an object such as {\"type\":\"file\",\"path\":\".ready\"}")
            Readiness readiness,
            @Arg(value = "Seconds to wait for readiness.", dflt = "" + Defaults.SERVICE_READY_TIMEOUT_SECONDS)
            int readyTimeoutSeconds,
            @Arg(value = "Milliseconds between readiness probes.", dflt = "" + Defaults.SERVICE_READY_INTERVAL_MS)
            int readyIntervalMs,
            @Arg(value = "Secrets as environment variables for the service: {\"SECRET_NAME\": \"ENV_VAR\"}.",
                    full = true) Map<String, String> secretEnv,
            // passed as sent: the engine checks each entry and names what is wrong in the spec's words
            @Arg(value = "", schema = "published_ports", shape = "a list of {guest_port, host_port?} objects",
                    full = true) List<?> publishedPorts) {
    }

    /** tail_lines: absent is 200, null or 0 is all. */
    @ReadOrder({"tail_lines", "workspace_id", "service_name"})
    record ServiceLogs(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = SERVICE_NAME, required = true) String serviceName,
            @Arg(value = "Lines per stream from the end; null or 0 for all.", dflt = "" + Defaults.SERVICE_TAIL_LINES)
            Integer tailLines) {
    }

    // ------------------------------------------------------------------ snapshots

    record SnapshotRef(
            @Arg(value = WS_ID, required = true) String workspaceId,
            @Arg(value = SNAPSHOT_NAME, required = true) String snapshotName) {
    }
}
