package dev.pyro.mcp.tools;

import dev.pyro.mcp.McpSurface;
import java.util.Map;

/**
 * The mode-specific part of tool descriptions: in a named mode, the key tools say where they fit
 * in that mode's workflow, so a model follows it without reading any docs.
 */
final class ModeGuidance {

    private static final Map<McpSurface, Map<String, String>> NOTES = Map.of(
            McpSurface.REPRO_FIX, Map.of(
                    "workspace_create", "Repro-fix mode: start here. Then reproduce the failure with workspace_exec, "
                            + "fix with workspace_patch_apply, rerun, review with workspace_diff, export the result, "
                            + "and workspace_reset to retry from a clean baseline. For parallel attempts open another "
                            + "workspace.",
                    "workspace_exec", "Repro-fix mode: run the failing test first to reproduce, then again after each "
                            + "patch.",
                    "workspace_patch_apply", "Repro-fix mode: the way to apply a fix.",
                    "workspace_diff", "Repro-fix mode: review the fix before exporting it.",
                    "workspace_export", "Repro-fix mode: hand the fixed files (or a patch file you wrote) back to the host.",
                    "workspace_reset", "Repro-fix mode: retry from a clean baseline when an attempt went wrong."),
            McpSurface.INSPECT, Map.of(
                    "workspace_create", "Inspect mode: for suspicious or unfamiliar code. The workspace has no network; "
                            + "nothing runs on the host. Read first, then run only small probes.",
                    "workspace_exec", "Inspect mode: run read-only probes (grep, file, strings, a test run) inside the "
                            + "sandbox, never on the host.",
                    "workspace_file_read", "Inspect mode: the main tool; read before running anything.",
                    "workspace_summary", "Inspect mode: summarise what was looked at and run before reporting.",
                    "workspace_export", "Inspect mode: export only the evidence the user asked for."),
            McpSurface.COLD_START, Map.of(
                    "workspace_create", "Cold-start mode: validate a fresh repo on a clean machine: create, install "
                            + "dependencies and build with workspace_exec, start the app with service_start and prove "
                            + "it becomes ready.",
                    "workspace_exec", "Cold-start mode: install dependencies and build exactly as the repo's docs say.",
                    "service_start", "Cold-start mode: give it a readiness probe (http or tcp) so a ready state proves "
                            + "the app came up; on failure read service_logs.",
                    "service_logs", "Cold-start mode: the first place to look when a service failed or never got ready.",
                    "workspace_reset", "Cold-start mode: start over from the clean checkout."),
            McpSurface.REVIEW_EVAL, Map.of(
                    "workspace_create", "Review-eval mode: for interactive review and evaluation: checkpoint with "
                            + "snapshot_create, drive programs with the shell tools, compare with workspace_diff and "
                            + "export results.",
                    "shell_open", "Review-eval mode: use a shell for interactive programs and step-by-step evaluation.",
                    "snapshot_create", "Review-eval mode: checkpoint before each risky or evaluated step.",
                    "workspace_reset", "Review-eval mode: return to a checkpoint by passing its snapshot name.",
                    "workspace_diff", "Review-eval mode: the change set under review."));

    private ModeGuidance() {
    }

    static ToolDef apply(McpSurface surface, ToolDef tool) {
        String note = NOTES.getOrDefault(surface, Map.of()).get(tool.name());
        return note == null ? tool
                : new ToolDef(tool.name(), tool.description() + " " + note, tool.inputSchema(), tool.argNames(),
                        tool.handler());
    }
}
