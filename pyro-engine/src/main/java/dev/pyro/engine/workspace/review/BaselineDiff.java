package dev.pyro.engine.workspace.review;

import dev.pyro.api.workspace.review.ArtifactType;
import dev.pyro.api.workspace.review.ChangeStatus;
import dev.pyro.api.workspace.review.DiffEntry;
import dev.pyro.api.workspace.review.DiffSummary;
import dev.pyro.api.workspace.review.DiffPayload;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code workspace diff} without the I/O (§12.2): classifies every path of the baseline and the
 * current tree and writes text patches for changed text files.
 *
 * <p>Beyond the spec's table, a regular file whose permission bits changed is reported as
 * {@code modified} with {@code old_mode}/{@code new_mode} (the reference's collector ignored modes,
 * so {@code chmod +x} went unseen). Its patch carries no mode lines, since patch apply refuses them.
 *
 * <p>Memory is bounded per diff, whatever the workspace holds: only files up to
 * {@link ReviewLimits#DIFF_TEXT_MAX_BYTES} are read whole, and patches stop once they hold
 * {@link ReviewLimits#DIFF_PATCH_TOTAL_MAX_BYTES}; entries past either are marked {@code too_large}.
 */
public final class BaselineDiff {

    private BaselineDiff() {
    }

    /** Both maps are keyed by path relative to {@code /workspace}, e.g. {@code src/app.py}. */
    public static DiffPayload compute(String workspaceId, Map<String, TreeEntry> baseline, Map<String, TreeEntry> current) {
        List<DiffEntry> entries = new ArrayList<>();
        StringBuilder patch = new StringBuilder();
        long patchBytes = 0;
        // Walk both sorted trees side by side: the union in order without building it.
        Iterator<Map.Entry<String, TreeEntry>> before = DiffTree.of(baseline).entrySet().iterator();
        Iterator<Map.Entry<String, TreeEntry>> after = DiffTree.of(current).entrySet().iterator();
        Map.Entry<String, TreeEntry> b = next(before);
        Map.Entry<String, TreeEntry> a = next(after);
        while (b != null || a != null) {
            int order = b == null ? 1 : a == null ? -1 : PathOrder.compare(b.getKey(), a.getKey());
            String path = order <= 0 ? b.getKey() : a.getKey();
            DiffEntry entry = compare(path, order <= 0 ? b.getValue() : null, order >= 0 ? a.getValue() : null);
            if (order <= 0) {
                b = next(before);
            }
            if (order >= 0) {
                a = next(after);
            }
            if (entry != null) {
                if (entry.textPatch() != null) {
                    long size = TextLines.utf8Length(entry.textPatch());
                    if (patchBytes + size > ReviewLimits.DIFF_PATCH_TOTAL_MAX_BYTES) {
                        entry = tooLarge(entry);
                    } else {
                        patchBytes += size;
                        patch.append(entry.textPatch());
                    }
                }
                entries.add(entry);
            }
        }
        return new DiffPayload(workspaceId, !entries.isEmpty(), DiffSummary.of(entries), List.copyOf(entries),
                patch.toString());
    }

    private static Map.Entry<String, TreeEntry> next(Iterator<Map.Entry<String, TreeEntry>> entries) {
        return entries.hasNext() ? entries.next() : null;
    }

    private static DiffEntry compare(String path, TreeEntry before, TreeEntry after) {
        if (before == null) {
            return whole(path, ChangeStatus.ADDED, after, null, after);
        }
        if (after == null) {
            return whole(path, ChangeStatus.DELETED, before, before, null);
        }
        if (before.type() != after.type()) {
            return DiffEntry.of(path, ChangeStatus.TYPE_CHANGED, after.type());
        }
        return switch (after.type()) {
            case DIRECTORY -> null;
            case SYMLINK -> before.linkTarget().equals(after.linkTarget())
                    ? null : DiffEntry.of(path, ChangeStatus.MODIFIED, ArtifactType.SYMLINK);
            case FILE -> modifiedFile(path, new FileComparison(before, after));
        };
    }

    /** An added or deleted path: a file's whole content against /dev/null. */
    private static DiffEntry whole(String path, ChangeStatus status, TreeEntry entry, TreeEntry before, TreeEntry after) {
        if (entry.type() != ArtifactType.FILE) {
            return DiffEntry.of(path, status, entry.type());
        }
        byte[] bytes = entry.size() > ReviewLimits.DIFF_TEXT_MAX_BYTES ? null : FileComparison.readSmall(entry.content());
        if (bytes == null) {
            return new DiffEntry(path, status, ArtifactType.FILE, null, false, null, null, true);
        }
        String textPatch = TextPatches.between(path, before == null ? null : bytes, after == null ? null : bytes);
        return new DiffEntry(path, status, ArtifactType.FILE, textPatch, textPatch == null, null, null);
    }

    private static DiffEntry tooLarge(DiffEntry entry) {
        return new DiffEntry(entry.path(), entry.status(), entry.artifactType(), null, false, entry.oldMode(),
                entry.newMode(), true);
    }

    private static DiffEntry modifiedFile(String path, FileComparison files) {
        boolean contentChanged = files.contentDiffers();
        boolean modeChanged = files.modeDiffers();
        if (!contentChanged && !modeChanged) {
            return null;
        }
        String oldMode = modeChanged ? mode(files, true) : null;
        String newMode = modeChanged ? mode(files, false) : null;
        if (contentChanged && (files.tooLarge() || files.beforeBytes() == null || files.afterBytes() == null)) {
            return new DiffEntry(path, ChangeStatus.MODIFIED, ArtifactType.FILE, null, false, oldMode, newMode, true);
        }
        String textPatch = contentChanged ? TextPatches.between(path, files.beforeBytes(), files.afterBytes()) : null;
        boolean binary = contentChanged && textPatch == null;
        return new DiffEntry(path, ChangeStatus.MODIFIED, ArtifactType.FILE, textPatch, binary, oldMode, newMode);
    }

    private static String mode(FileComparison files, boolean before) {
        return String.format("%04o", files.mode(before) & 07777);
    }
}
