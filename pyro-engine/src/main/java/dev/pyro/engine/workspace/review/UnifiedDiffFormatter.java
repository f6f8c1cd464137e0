package dev.pyro.engine.workspace.review;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes one file's unified diff the way {@code difflib.unified_diff(n=3)} and git do: changes
 * closer than 2 x 3 unchanged lines share a hunk, ranges print as {@code start,count} ({@code start}
 * alone for one line, {@code start-1,0} for none). A last line without a newline is followed by
 * {@code \ No newline at end of file}, so the patch applies back exactly (difflib would glue the
 * next line onto it).
 */
final class UnifiedDiffFormatter {

    static final int CONTEXT = 3;
    private static final String NO_NEWLINE = "\\ No newline at end of file\n";

    private UnifiedDiffFormatter() {
    }

    /** The patch from {@code a} to {@code b} under the given header labels; "" when they are equal. */
    static String format(String oldLabel, String newLabel, List<String> a, List<String> b) {
        List<LineDiff.Edit> edits = LineDiff.edits(a, b);
        if (edits.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(oldLabel).append('\n');
        out.append("+++ ").append(newLabel).append('\n');
        for (List<LineDiff.Edit> group : groups(edits)) {
            hunk(out, group, a, b);
        }
        return out.toString();
    }

    private static List<List<LineDiff.Edit>> groups(List<LineDiff.Edit> edits) {
        List<List<LineDiff.Edit>> groups = new ArrayList<>();
        List<LineDiff.Edit> current = new ArrayList<>();
        for (LineDiff.Edit edit : edits) {
            if (!current.isEmpty() && edit.oldStart() - current.getLast().oldEnd() > 2 * CONTEXT) {
                groups.add(current);
                current = new ArrayList<>();
            }
            current.add(edit);
        }
        groups.add(current);
        return groups;
    }

    private static void hunk(StringBuilder out, List<LineDiff.Edit> group, List<String> a, List<String> b) {
        LineDiff.Edit first = group.getFirst();
        LineDiff.Edit last = group.getLast();
        int oldFrom = Math.max(0, first.oldStart() - CONTEXT);
        int oldTo = Math.min(a.size(), last.oldEnd() + CONTEXT);
        int newFrom = first.newStart() - (first.oldStart() - oldFrom);
        int newTo = last.newEnd() + (oldTo - last.oldEnd());
        out.append("@@ -").append(range(oldFrom, oldTo)).append(" +").append(range(newFrom, newTo)).append(" @@\n");
        int pos = oldFrom;
        for (LineDiff.Edit edit : group) {
            lines(out, ' ', a, pos, edit.oldStart());
            lines(out, '-', a, edit.oldStart(), edit.oldEnd());
            lines(out, '+', b, edit.newStart(), edit.newEnd());
            pos = edit.oldEnd();
        }
        lines(out, ' ', a, pos, oldTo);
    }

    private static String range(int from, int to) {
        int length = to - from;
        if (length == 1) {
            return String.valueOf(from + 1);
        }
        return (length == 0 ? from : from + 1) + "," + length;
    }

    private static void lines(StringBuilder out, char prefix, List<String> lines, int from, int to) {
        for (int i = from; i < to; i++) {
            String line = lines.get(i);
            out.append(prefix).append(line);
            if (!line.endsWith("\n")) {
                out.append('\n').append(NO_NEWLINE);
            }
        }
    }
}
