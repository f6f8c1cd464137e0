package dev.pyro.api.workspace.review;

import java.util.List;

/**
 * {@code summary} of the diff payload (§12.2). {@code text_patched} counts entries with a
 * non-empty patch; {@code non_text} counts all the others.
 */
public record DiffSummary(int total, int added, int modified, int deleted, int typeChanged, int textPatched,
                          int nonText) {

    public static DiffSummary of(List<DiffEntry> entries) {
        int textPatched = (int) entries.stream()
                .filter(e -> e.textPatch() != null && !e.textPatch().isEmpty()).count();
        return new DiffSummary(entries.size(), count(entries, ChangeStatus.ADDED),
                count(entries, ChangeStatus.MODIFIED), count(entries, ChangeStatus.DELETED),
                count(entries, ChangeStatus.TYPE_CHANGED), textPatched, entries.size() - textPatched);
    }

    private static int count(List<DiffEntry> entries, ChangeStatus status) {
        return (int) entries.stream().filter(e -> e.status() == status).count();
    }
}
