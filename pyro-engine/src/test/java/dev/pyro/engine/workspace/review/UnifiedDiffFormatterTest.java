package dev.pyro.engine.workspace.review;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our text patches match what the real {@code git diff} writes for the same edit. */
class UnifiedDiffFormatterTest {

    @TempDir
    Path tmp;

    private static String lines(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    }

    /** git's patch for one file edit, without its "diff --git" and "index" lines or function context. */
    private String gitPatch(String before, String after) {
        GitRepo repo = new GitRepo(tmp.resolve("r" + System.nanoTime())).write("f.txt", before).commit();
        repo.write("f.txt", after);
        return repo.stagedDiff().lines()
                .filter(l -> !l.startsWith("diff --git") && !l.startsWith("index "))
                .map(l -> l.startsWith("@@") ? l.substring(0, l.indexOf(" @@", 2) + 3) : l)
                .map(l -> l + "\n")
                .collect(Collectors.joining());
    }

    private static String ours(String before, String after) {
        return TextPatches.between("f.txt", before.getBytes(StandardCharsets.UTF_8), after.getBytes(StandardCharsets.UTF_8));
    }

    private record Edit(String name, String before, String after) {
    }

    @Test
    void matchesGitForTypicalEdits() {
        List<Edit> edits = List.of(
                new Edit("middle", lines(1, 20), lines(1, 20).replace("line 10\n", "ten\n")),
                new Edit("near the start", lines(1, 20), lines(1, 20).replace("line 2\n", "two\n")),
                new Edit("near the end", lines(1, 20), lines(1, 20).replace("line 19\n", "")),
                new Edit("a gap of six shares a hunk", lines(1, 30),
                        lines(1, 30).replace("line 5\n", "five\n").replace("line 12\n", "twelve\n")),
                new Edit("a gap of seven splits", lines(1, 30),
                        lines(1, 30).replace("line 5\n", "five\n").replace("line 13\n", "thirteen\n")),
                new Edit("appended", lines(1, 20), lines(1, 22)),
                new Edit("final newline removed", lines(1, 5), lines(1, 5).stripTrailing()),
                new Edit("final newline added", "a\nb", "a\nb\nc\n"),
                new Edit("everything replaced", lines(1, 5), "alpha\nbeta\n"));
        for (Edit edit : edits) {
            assertThat(ours(edit.before(), edit.after())).as(edit.name()).isEqualTo(gitPatch(edit.before(), edit.after()));
        }
        assertThat(ours(lines(1, 30), lines(1, 30).replace("line 5\n", "five\n").replace("line 13\n", "thirteen\n"))
                .lines().filter(l -> l.startsWith("@@"))).containsExactly("@@ -2,7 +2,7 @@", "@@ -10,7 +10,7 @@");
    }

    @Test
    void fallsBackToOneReplacedBlockBeyondTheWorkBudget() {
        List<String> a = TextLines.split(lines(1, 50));
        List<String> b = TextLines.split(lines(1, 50).replace("line 10\n", "x\n").replace("line 40\n", "y\n"));

        assertThat(LineDiff.edits(a, b)).containsExactly(new LineDiff.Edit(9, 10, 9, 10), new LineDiff.Edit(39, 40, 39, 40));
        assertThat(LineDiff.edits(a, b, 0)).containsExactly(new LineDiff.Edit(9, 40, 9, 40));
    }
}
