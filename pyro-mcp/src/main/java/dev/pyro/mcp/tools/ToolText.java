package dev.pyro.mcp.tools;

import dev.pyro.api.Json;
import java.util.Map;

/**
 * The short text beside a tool's structured content. Hosts that pass only text to the model still
 * get what matters: command output, file content, a patch; every other payload as compact JSON.
 */
final class ToolText {

    private static final int MAX_CHARS = 64 * 1024;

    private ToolText() {
    }

    static String render(String tool, Map<String, Object> p) {
        String text = switch (tool) {
            case "vm_run", "vm_exec", "workspace_exec" -> "exit_code " + p.get("exit_code") + " in "
                    + p.get("duration_ms") + " ms" + stream("stdout", p.get("stdout"))
                    + stream("stderr", p.get("stderr")) + "\n" + compact(p, "stdout", "stderr");
            case "workspace_file_read" -> p.get("path") + " (" + p.get("size_bytes") + " bytes"
                    + (Boolean.TRUE.equals(p.get("truncated")) ? ", truncated" : "") + ")\n" + p.get("content");
            case "workspace_diff" -> Boolean.TRUE.equals(p.get("changed"))
                    ? "changes since the baseline: " + Json.MAPPER.writeValueAsString(p.get("summary")) + "\n"
                    + p.get("patch")
                    : "no changes since the baseline";
            case "shell_read" -> "shell " + p.get("shell_id") + " " + p.get("state") + ", next_cursor "
                    + p.get("next_cursor") + (Boolean.TRUE.equals(p.get("truncated")) ? " (more output)" : "")
                    + "\n" + p.get("output");
            case "service_logs" -> "service " + p.get("service_name") + " " + p.get("state")
                    + stream("stdout", p.get("stdout")) + stream("stderr", p.get("stderr"));
            default -> Json.MAPPER.writeValueAsString(p);
        };
        return text.length() > MAX_CHARS
                ? text.substring(0, MAX_CHARS) + "\n[text cut at " + MAX_CHARS + " chars; the structured content is whole]"
                : text;
    }

    private static String stream(String name, Object value) {
        String s = value == null ? "" : value.toString();
        return s.isEmpty() ? "" : "\n--- " + name + "\n" + s;
    }

    private static String compact(Map<String, Object> p, String... without) {
        Map<String, Object> rest = new java.util.LinkedHashMap<>(p);
        for (String key : without) {
            rest.remove(key);
        }
        return Json.MAPPER.writeValueAsString(rest);
    }
}
