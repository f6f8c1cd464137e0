package dev.pyro.api.workspace.review;

import java.util.List;

/**
 * The {@code workspace diff} result (§5.10, §12.2). {@code patch} concatenates the entries' text
 * patches in path order; applied to the baseline it reproduces the current text files.
 */
public record DiffPayload(String workspaceId, boolean changed, DiffSummary summary, List<DiffEntry> entries,
                          String patch) {
}
