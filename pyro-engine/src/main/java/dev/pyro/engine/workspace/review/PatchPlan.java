package dev.pyro.engine.workspace.review;

import dev.pyro.api.workspace.review.PatchEntry;
import dev.pyro.api.workspace.review.PatchSummary;
import dev.pyro.api.workspace.review.PatchApplyPayload;
import java.util.List;

/**
 * Everything a fully validated patch will do. It exists only when every hunk of every file
 * applied in memory, so carrying it out cannot fail on content, only on I/O.
 *
 * @param patch   the patch text, echoed in the payload
 * @param writes  added and modified files, sorted by path
 * @param deletes deleted paths, sorted
 * @param entries every touched path with its status, sorted by path
 */
public record PatchPlan(String patch, List<FileWrite> writes, List<String> deletes, List<PatchEntry> entries) {

    public PatchPlan {
        writes = List.copyOf(writes);
        deletes = List.copyOf(deletes);
        entries = List.copyOf(entries);
    }

    public boolean changed() {
        return !entries.isEmpty();
    }

    public PatchSummary summary() {
        return PatchSummary.of(entries);
    }

    /**
     * Writes, then deletes, each in path order (§12.6). A failure midway is not rolled back;
     * {@code workspace reset} is the documented recovery.
     */
    public void commit(PatchTarget target) {
        for (FileWrite write : writes) {
            target.write(write.path(), write.text());
        }
        for (String path : deletes) {
            target.delete(path);
        }
    }

    public PatchApplyPayload payload(String workspaceId, String executionMode) {
        return new PatchApplyPayload(workspaceId, changed(), summary(), entries, patch, executionMode);
    }
}
