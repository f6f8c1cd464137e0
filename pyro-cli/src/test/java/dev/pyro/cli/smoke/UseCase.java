package dev.pyro.cli.smoke;

import dev.pyro.mcp.McpSurface;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The five recipes of {@code docs/use-cases/}: id, title, the MCP mode a host uses for it, and its doc. */
public enum UseCase {

    COLD_START_VALIDATION("cold-start-validation", "Cold-Start Repo Validation", McpSurface.COLD_START,
            "cold-start-repo-validation.md"),
    REPRO_FIX_LOOP("repro-fix-loop", "Repro Plus Fix Loop", McpSurface.REPRO_FIX, "repro-fix-loop.md"),
    PARALLEL_WORKSPACES("parallel-workspaces", "Parallel Isolated Workspaces", McpSurface.REPRO_FIX,
            "parallel-workspaces.md"),
    UNTRUSTED_INSPECTION("untrusted-inspection", "Unsafe Or Untrusted Code Inspection", McpSurface.INSPECT,
            "untrusted-inspection.md"),
    REVIEW_EVAL("review-eval", "Review And Evaluation Workflows", McpSurface.REVIEW_EVAL, "review-eval-workflows.md");

    private final String id;
    private final String title;
    private final McpSurface mode;
    private final String doc;

    UseCase(String id, String title, McpSurface mode, String doc) {
        this.id = id;
        this.title = title;
        this.mode = mode;
        this.doc = doc;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public McpSurface mode() {
        return mode;
    }

    /** The recipe's file under {@code docs/use-cases/}. */
    public String doc() {
        return doc;
    }

    /** The scenario named {@code id}, with the spec's message for an unknown one. */
    public static UseCase byId(String id) {
        for (UseCase u : values()) {
            if (u.id.equals(id)) {
                return u;
            }
        }
        throw new IllegalArgumentException("unknown use-case scenario '" + id + "'; expected one of: "
                + Arrays.stream(values()).map(UseCase::id).collect(Collectors.joining(", ")) + ", all");
    }
}
