package dev.pyro.engine.workspace.review;

import com.github.difflib.algorithm.Change;
import com.github.difflib.algorithm.DiffAlgorithmListener;
import com.github.difflib.algorithm.myers.MyersDiff;
import com.github.difflib.patch.DeltaType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The changed line ranges between two texts: java-diff-utils' Myers diff on the lines between the
 * common prefix and suffix. Myers explores 2d+1 diagonals for each edit distance d, so its cost
 * grows with the square of the number of changed lines (measured here: ~25 ns per diagonal, 0.4 s
 * for a 3,000-line rewrite). When that would exceed {@link #WORK_BUDGET} the middle is reported as
 * one replaced block instead: the patch stays correct and applies, only less minimal.
 */
final class LineDiff {

    /** Diagonals explored, about d squared: 4M is an edit distance of 2,000 lines, ~0.1 s. */
    static final long WORK_BUDGET = 4_000_000L;

    /** Old lines {@code [oldStart, oldEnd)} become new lines {@code [newStart, newEnd)}. */
    record Edit(int oldStart, int oldEnd, int newStart, int newEnd) {
    }

    private LineDiff() {
    }

    static List<Edit> edits(List<String> a, List<String> b) {
        return edits(a, b, WORK_BUDGET);
    }

    static List<Edit> edits(List<String> a, List<String> b, long workBudget) {
        int prefix = 0;
        int max = Math.min(a.size(), b.size());
        while (prefix < max && a.get(prefix).equals(b.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < max - prefix && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
            suffix++;
        }
        List<String> oldMiddle = a.subList(prefix, a.size() - suffix);
        List<String> newMiddle = b.subList(prefix, b.size() - suffix);
        if (oldMiddle.isEmpty() && newMiddle.isEmpty()) {
            return List.of();
        }
        Edit whole = new Edit(prefix, a.size() - suffix, prefix, b.size() - suffix);
        if (oldMiddle.isEmpty() || newMiddle.isEmpty()) {
            return List.of(whole);
        }
        List<Change> changes;
        try {
            changes = new MyersDiff<String>().computeDiff(oldMiddle, newMiddle, new Budget(workBudget));
        } catch (BudgetExceeded e) {
            return List.of(whole);
        }
        List<Edit> edits = new ArrayList<>(changes.size());
        for (Change c : changes) {
            if (c.deltaType != DeltaType.EQUAL) {
                edits.add(new Edit(prefix + c.startOriginal, prefix + c.endOriginal,
                        prefix + c.startRevised, prefix + c.endRevised));
            }
        }
        edits.sort(Comparator.comparingInt(Edit::oldStart));
        return edits;
    }

    /** MyersDiff reports each edit distance d it explores; reaching d has cost about d squared. */
    private record Budget(long limit) implements DiffAlgorithmListener {
        @Override
        public void diffStart() {
        }

        @Override
        public void diffStep(int value, int max) {
            if ((long) value * value > limit) {
                throw new BudgetExceeded();
            }
        }

        @Override
        public void diffEnd() {
        }
    }

    private static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super(null, null, false, false);
        }
    }
}
