package dev.pyro.cli.smoke;

import dev.pyro.api.PyroException;
import dev.pyro.api.Json;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.api.workspace.service.Readiness;
import dev.pyro.sdk.Pyro;
import dev.pyro.mcp.McpServerOptions;
import dev.pyro.mcp.McpSurface;
import dev.pyro.mcp.tools.ToolOutcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The Java SDK face of a recipe: each tool name becomes the {@link Pyro} method behind it, called
 * with typed arguments, and the returned record is read as the JSON it serializes to. A create
 * without {@code seed_path} in a project goes through {@link Pyro#createServer} with that project,
 * as an embedding app would do it; every other step is a plain SDK call.
 */
public final class SdkDriver implements SmokeDriver {

    private final Pyro pyro;
    private final McpSurface surface;
    private final Path projectDir;
    private final String backend;

    /** {@code projectDir}: the project a create without seed_path starts from (null: none). */
    public SdkDriver(Pyro pyro, McpSurface surface, Path projectDir, String backend) {
        this.pyro = pyro;
        this.surface = surface;
        this.projectDir = projectDir;
        this.backend = backend;
    }

    @Override
    public String kind() {
        return "sdk";
    }

    @Override
    public Reply attempt(String tool, Map<String, Object> args) {
        try {
            // Through the JSON text, as a program reading `--json` would see it.
            return new Reply(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(invoke(tool, new Args(args)))), "",
                    false);
        } catch (PyroException e) {
            return new Reply(null, "error: " + e.getMessage(), true);
        }
    }

    private Object invoke(String tool, Args a) {
        String ws = a.has("workspace_id") ? a.str("workspace_id") : null;
        return switch (tool) {
            case "workspace_create" -> create(a);
            case "workspace_list" -> pyro.listWorkspaces();
            case "workspace_status" -> pyro.statusWorkspace(ws);
            case "workspace_update" -> pyro.updateWorkspace(ws, a.str("name"), false, a.map("labels"), List.of());
            case "workspace_exec" -> pyro.execWorkspace(ws, a.str("command"), a.integer("timeout_seconds", 30));
            case "workspace_file_list" -> pyro.listWorkspaceFiles(ws, a.str("path", "/workspace"),
                    a.bool("recursive", false));
            case "workspace_file_read" -> pyro.readWorkspaceFile(ws, a.str("path"), a.integer("max_bytes", 65536));
            case "workspace_file_write" -> pyro.writeWorkspaceFile(ws, a.str("path"), a.str("text"));
            case "workspace_patch_apply" -> pyro.applyWorkspacePatch(ws, a.str("patch"));
            case "workspace_diff" -> pyro.diffWorkspace(ws);
            case "workspace_export" -> pyro.exportWorkspace(ws, a.str("path"), Path.of(a.str("output_path")), false);
            case "workspace_summary" -> pyro.summarizeWorkspace(ws);
            case "workspace_reset" -> pyro.resetWorkspace(ws, a.str("snapshot", "baseline"));
            case "workspace_delete" -> pyro.deleteWorkspace(ws);
            case "service_start" -> pyro.startService(ws, a.str("service_name"), a.str("command"),
                    a.str("cwd", "/workspace"), readiness(a.map("readiness")), a.integer("ready_timeout_seconds", 30),
                    a.integer("ready_interval_ms", 500), Map.of());
            case "service_logs" -> pyro.logsService(ws, a.str("service_name"), a.integer("tail_lines", 200));
            case "service_stop" -> pyro.stopService(ws, a.str("service_name"));
            case "snapshot_create" -> pyro.createSnapshot(ws, a.str("snapshot_name"));
            case "shell_open" -> pyro.openShell(ws, a.str("cwd", "/workspace"), 120, 30, Map.of());
            case "shell_read" -> pyro.readShell(ws, a.str("shell_id"), a.integer("cursor", 0), 65536,
                    a.bool("plain", false), a.has("wait_for_idle_ms") ? a.integer("wait_for_idle_ms", 0) : null);
            case "shell_write" -> pyro.writeShell(ws, a.str("shell_id"), a.str("input"), true);
            case "shell_close" -> pyro.closeShell(ws, a.str("shell_id"));
            default -> throw new IllegalArgumentException("the SDK smoke driver has no mapping for " + tool);
        };
    }

    private Object create(Args a) {
        if (!a.has("seed_path") && projectDir != null) {
            // Project-aware startup from an app: the SDK's embedded server stages the project's tracked files.
            ToolOutcome outcome = pyro.createServer(McpServerOptions.of(surface).withProjectPath(projectDir.toString()))
                    .call("workspace_create", a.values());
            if (outcome.error()) {
                throw PyroException.invalid(outcome.text().replaceFirst("^error: ", ""));
            }
            return outcome.structured();
        }
        WorkspaceRequest request = WorkspaceRequest.defaults(a.str("environment"))
                .withBackend(backend, false)
                .withName(a.str("name"))
                .withLabels(a.map("labels"));
        if (a.has("seed_path")) {
            request = request.withSeed(Path.of(a.str("seed_path")));
        }
        return pyro.createWorkspace(request);
    }

    private static Readiness readiness(Map<String, String> r) {
        if (r.isEmpty()) {
            return null;
        }
        return new Readiness(r.get("type"), r.get("path"), r.get("address"), r.get("url"), r.get("command"));
    }

    @Override
    public void close() {
        // The Pyro client belongs to the caller.
    }

    /** Tool arguments with the tools' defaults. */
    private record Args(Map<String, Object> values) {

        boolean has(String key) {
            return values.get(key) != null;
        }

        String str(String key) {
            return str(key, null);
        }

        String str(String key, String fallback) {
            Object v = values.get(key);
            return v == null ? fallback : v.toString();
        }

        int integer(String key, int fallback) {
            Object v = values.get(key);
            return v == null ? fallback : ((Number) v).intValue();
        }

        boolean bool(String key, boolean fallback) {
            Object v = values.get(key);
            return v == null ? fallback : (Boolean) v;
        }

        @SuppressWarnings("unchecked")
        Map<String, String> map(String key) {
            Object v = values.get(key);
            return v == null ? Map.of() : (Map<String, String>) v;
        }
    }
}
