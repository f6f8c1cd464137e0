package dev.pyro.api.workspace.review;

import java.util.List;

/** The {@code workspace patch apply} result (§5.8), in the spec's key order. */
public record PatchApplyPayload(
        String workspaceId,
        boolean changed,
        PatchSummary summary,
        List<PatchEntry> entries,
        String patch,
        String executionMode) {
}
