package dev.pyro.engine.workspace.review;

import java.util.List;

/**
 * One {@code @@ -a,b +c,d @@} section. {@code header} is that {@code @@ ... @@} text as written,
 * used to name the hunk in errors.
 */
record Hunk(int oldStart, int oldCount, int newStart, int newCount, String header, List<HunkLine> lines) {

    Hunk {
        lines = List.copyOf(lines);
    }

    /**
     * Where the hunk's old lines begin, 0-based. A hunk with no old lines inserts after line
     * {@code oldStart} (git and GNU diff write {@code -5,0} for "after line 5"); the reference used
     * {@code oldStart - 1} there too, which inserts one line early.
     */
    int startIndex() {
        if (oldCount == 0) {
            return oldStart;
        }
        return Math.max(oldStart - 1, 0);
    }
}
