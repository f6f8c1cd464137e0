package dev.pyro.engine.workspace.review;

import java.util.List;

/** The {@code text_patch} of one file (§12.2): {@code a/<path>} to {@code b/<path>}, absent sides as /dev/null. */
final class TextPatches {

    private TextPatches() {
    }

    /**
     * The patch from {@code before} to {@code after} (null for an absent side), or null when a
     * present side is not text. An empty text file added or deleted gives "" (difflib prints
     * nothing for it), which the summary counts as non-text, as the reference does.
     */
    static String between(String path, byte[] before, byte[] after) {
        String oldText = before == null ? "" : TextLines.decodeText(before);
        String newText = after == null ? "" : TextLines.decodeText(after);
        if (oldText == null || newText == null) {
            return null;
        }
        String oldLabel = before == null ? GitPathLabel.DEV_NULL : GitPathLabel.format("a/", path);
        String newLabel = after == null ? GitPathLabel.DEV_NULL : GitPathLabel.format("b/", path);
        List<String> oldLines = TextLines.split(oldText);
        List<String> newLines = TextLines.split(newText);
        return UnifiedDiffFormatter.format(oldLabel, newLabel, oldLines, newLines);
    }
}
