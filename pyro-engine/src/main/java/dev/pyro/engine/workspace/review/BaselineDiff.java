package dev.pyro.engine.workspace.review;

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
 */
public final class BaselineDiff {

    private BaselineDiff() {
    }

    /** Both maps are keyed by path relative to {@code /workspace}, e.g. {@code src/app.py}. */
    public static DiffPayload compute(String workspaceId, Map<String, TreeEntry> baseline, Map<String, TreeEntry> current) {
        List<DiffEntry> entries = new ArrayList<>();
        StringBuilder patch = new StringBuilder();
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
                entries.add(entry);
                if (entry.textPatch() != null) {
                    patch.append(entry.textPatch());
                }
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
        byte[] oldBytes = before == null ? null : before.content().read();
        byte[] newBytes = after == null ? null : after.content().read();
        String textPatch = TextPatches.between(path, oldBytes, newBytes);
        return new DiffEntry(path, status, ArtifactType.FILE, textPatch, textPatch == null, null, null);
    }

    private static DiffEntry modifiedFile(String path, FileComparison files) {
        boolean contentChanged = files.contentDiffers();
        boolean modeChanged = files.modeDiffers();
        if (!contentChanged && !modeChanged) {
            return null;
        }
        String textPatch = contentChanged ? TextPatches.between(path, files.beforeBytes(), files.afterBytes()) : null;
        boolean binary = contentChanged && textPatch == null;
        String oldMode = modeChanged ? mode(files, true) : null;
        String newMode = modeChanged ? mode(files, false) : null;
        return new DiffEntry(path, ChangeStatus.MODIFIED, ArtifactType.FILE, textPatch, binary, oldMode, newMode);
    }

    private static String mode(FileComparison files, boolean before) {
        return String.format("%04o", files.mode(before) & 07777);
    }
}
