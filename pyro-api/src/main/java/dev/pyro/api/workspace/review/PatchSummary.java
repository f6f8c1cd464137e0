package dev.pyro.api.workspace.review;

import java.util.List;

/** {@code summary} of the patch payload (§5.8). */
public record PatchSummary(int total, int added, int modified, int deleted) {

    public static PatchSummary of(List<PatchEntry> entries) {
        return new PatchSummary(entries.size(), count(entries, ChangeStatus.ADDED),
                count(entries, ChangeStatus.MODIFIED), count(entries, ChangeStatus.DELETED));
    }

    private static int count(List<PatchEntry> entries, ChangeStatus status) {
        return (int) entries.stream().filter(e -> e.status() == status).count();
    }
}
