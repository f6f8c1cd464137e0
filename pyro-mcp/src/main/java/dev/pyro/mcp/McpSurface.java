package dev.pyro.mcp;

import dev.pyro.api.PyroException;
import dev.pyro.sdk.Pyro;
import dev.pyro.sdk.ServerSpec;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one server process exposes: a profile ({@code vm-run}, {@code workspace-core},
 * {@code workspace-full}) or a named mode. The tool sets are the spec's table (§4.2), in its order.
 * Only {@code workspace-full} shows secrets, network policy and published ports.
 * {@code pyro.createServer(surface)} builds its server with project auto-detection from the working directory.
 */
public enum McpSurface implements ServerSpec<PyroMcpServer> {

    VM_RUN("vm-run", false, "vm_run"),
    WORKSPACE_CORE("workspace-core", false, "vm_run", Groups.CORE_WORKSPACE),
    WORKSPACE_FULL("workspace-full", false, "vm_run", "vm_list_environments", "vm_create", "vm_start", "vm_exec",
            "vm_stop", "vm_delete", "vm_status", "vm_network_info", "vm_reap_expired", Groups.CORE_WORKSPACE,
            "workspace_stop", "workspace_start", "workspace_disk_export", "workspace_disk_list", "workspace_disk_read",
            Groups.SHELLS, Groups.SERVICES, Groups.SNAPSHOTS),
    REPRO_FIX("repro-fix", true, Groups.CORE_WORKSPACE),
    INSPECT("inspect", true, "workspace_create", "workspace_list", "workspace_update", "workspace_status",
            "workspace_exec", "workspace_logs", "workspace_summary", "workspace_file_list", "workspace_file_read",
            "workspace_export", "workspace_delete"),
    COLD_START("cold-start", true, "workspace_create", "workspace_list", "workspace_update", "workspace_status",
            "workspace_exec", "workspace_logs", "workspace_summary", "workspace_file_list", "workspace_file_read",
            "workspace_export", "workspace_reset", "workspace_delete", Groups.SERVICES),
    REVIEW_EVAL("review-eval", true, "workspace_create", "workspace_list", "workspace_update", "workspace_status",
            "workspace_exec", "workspace_logs", "workspace_summary", "workspace_file_list", "workspace_file_read",
            "workspace_diff", "workspace_export", "workspace_reset", "workspace_delete", Groups.SHELLS,
            Groups.SNAPSHOTS);

    public static final McpSurface DEFAULT = WORKSPACE_CORE;

    private final String id;
    private final boolean mode;
    private final Set<String> tools;

    McpSurface(String id, boolean mode, String... names) {
        this.id = id;
        this.mode = mode;
        this.tools = Arrays.stream(names).flatMap(n -> Arrays.stream(n.split(",")))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    public String id() {
        return id;
    }

    /** This surface's server with the defaults of {@link McpServerOptions#of}. */
    @Override
    public PyroMcpServer createServer(Pyro pyro) {
        return PyroMcpServer.create(pyro, McpServerOptions.of(this));
    }

    public boolean isMode() {
        return mode;
    }

    /** Tool names in the spec's order. */
    public Set<String> tools() {
        return tools;
    }

    /** Secrets, network policy and published ports: only the full profile shows them. */
    public boolean showsAdvancedFields() {
        return this == WORKSPACE_FULL;
    }

    public static List<McpSurface> profiles() {
        return Arrays.stream(values()).filter(s -> !s.mode).toList();
    }

    public static List<McpSurface> modes() {
        return Arrays.stream(values()).filter(s -> s.mode).toList();
    }

    public static McpSurface profile(String id) {
        return find(id, false, "--profile");
    }

    public static McpSurface mode(String id) {
        return find(id, true, "--mode");
    }

    /**
     * The surface of {@code --profile} and {@code --mode} (either may be null): a mode and a
     * non-default profile together are refused, as in the spec.
     */
    public static McpSurface of(String profile, String mode) {
        McpSurface chosenProfile = profile == null ? DEFAULT : profile(profile);
        if (mode == null) {
            return chosenProfile;
        }
        if (chosenProfile != DEFAULT) {
            throw PyroException.invalid("--mode and --profile are mutually exclusive");
        }
        return mode(mode);
    }

    private static McpSurface find(String id, boolean mode, String flag) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        for (McpSurface s : values()) {
            if (s.mode == mode && s.id.equals(wanted)) {
                return s;
            }
        }
        String choices = Arrays.stream(values()).filter(s -> s.mode == mode).map(McpSurface::id)
                .collect(Collectors.joining(", "));
        throw PyroException.invalid(flag + " must be one of: " + choices + " (got '" + id + "')");
    }

    /** Comma-joined groups, so the table above stays readable. */
    private static final class Groups {
        static final String CORE_WORKSPACE = "workspace_create,workspace_list,workspace_update,workspace_status,"
                + "workspace_sync_push,workspace_exec,workspace_logs,workspace_summary,workspace_file_list,"
                + "workspace_file_read,workspace_file_write,workspace_patch_apply,workspace_diff,workspace_export,"
                + "workspace_reset,workspace_delete";
        static final String SHELLS = "shell_open,shell_read,shell_write,shell_signal,shell_close";
        static final String SERVICES = "service_start,service_list,service_status,service_logs,service_stop";
        static final String SNAPSHOTS = "snapshot_create,snapshot_list,snapshot_delete";
    }
}
