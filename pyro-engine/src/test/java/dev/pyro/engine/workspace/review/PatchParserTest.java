package dev.pyro.engine.workspace.review;

import dev.pyro.api.workspace.review.ChangeStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text-level rules of §12.6: headers, hunks, counts, unsupported features. */
class PatchParserTest {

    private static List<FilePatch> parse(String patch) {
        return PatchParser.parse(patch, TestPaths::normalize);
    }

    private static void assertRefused(String patch, String message) {
        assertThatThrownBy(() -> parse(patch)).isInstanceOf(PyroException.class).hasMessage(message);
    }

    @Test
    void readsStatusesPathsAndHunks() {
        List<FilePatch> files = parse("diff --git a/x b/x\nindex 1..2 100644\n--- a/src/x.py\n+++ b/src/x.py\n"
                + "@@ -1,3 +1,3 @@ def main():\n a\n-b\n+B\n c\n\n"
                + "--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+n\n\\ No newline at end of file\n"
                + "--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-o\n");

        assertThat(files).extracting(FilePatch::path, FilePatch::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("/workspace/src/x.py", ChangeStatus.MODIFIED),
                org.assertj.core.groups.Tuple.tuple("/workspace/new.txt", ChangeStatus.ADDED),
                org.assertj.core.groups.Tuple.tuple("/workspace/old.txt", ChangeStatus.DELETED));
        Hunk hunk = files.getFirst().hunks().getFirst();
        assertThat(hunk.header()).isEqualTo("@@ -1,3 +1,3 @@");
        assertThat(hunk.lines()).containsExactly(new HunkLine(HunkLine.Kind.CONTEXT, "a\n"),
                new HunkLine(HunkLine.Kind.REMOVE, "b\n"), new HunkLine(HunkLine.Kind.ADD, "B\n"),
                new HunkLine(HunkLine.Kind.CONTEXT, "c\n"));
        assertThat(files.get(1).hunks().getFirst().lines()).containsExactly(new HunkLine(HunkLine.Kind.ADD, "n"));
    }

    @Test
    void omittedCountsMeanOne() {
        Hunk hunk = parse("--- a/x\n+++ b/x\n@@ -7 +7 @@\n-a\n+b\n").getFirst().hunks().getFirst();
        assertThat(List.of(hunk.oldStart(), hunk.oldCount(), hunk.newStart(), hunk.newCount())).containsExactly(7, 1, 7, 1);
    }

    @Test
    void refusesMalformedHeaders() {
        assertRefused("hello world\n", "invalid patch header: hello world");
        assertRefused("@@ -1 +1 @@\n-a\n+b\n", "invalid patch header: @@ -1 +1 @@");
        assertRefused("--- a/x\n@@ -1 +1 @@\n-a\n+b\n", "patch is missing '+++' header");
        assertRefused("--- a/x\n", "patch is missing '+++' header");
        assertRefused("--- /dev/null\n+++ /dev/null\n@@ -0,0 +1 @@\n+a\n", "patch must target a workspace path");
        assertRefused("--- a/x\n+++ b/y\n@@ -1 +1 @@\n-a\n+b\n", "rename and copy patches are not supported");
        assertRefused("--- \"a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n", "invalid patch header: --- \"a/x");
        assertRefused("--- a/\n+++ b/\n@@ -1 +1 @@\n-a\n+b\n", "workspace path must not be empty");
    }

    @Test
    void refusesFilesWithoutHunksAndPatchesWithoutFiles() {
        assertRefused("--- a/x\n+++ b/x\n", "patch for /workspace/x has no hunks");
        assertRefused("--- a/x\n+++ b/x\n--- a/y\n+++ b/y\n@@ -1 +1 @@\n-a\n+b\n", "patch for /workspace/x has no hunks");
        assertRefused("diff --git a/x b/x\nindex 0000000..e69de29\n", "patch must contain at least one file change");
        assertRefused("--- a/x\n+++ b/x\nsomething\n", "invalid patch hunk header: something");
        assertRefused("--- a/x\n+++ b/x\n@@ -a +b @@\n", "invalid patch hunk header: @@ -a +b @@");
        assertRefused("--- a/x\n+++ b/x\n@@ -1 +1\n-a\n+b\n", "invalid patch hunk header: @@ -1 +1");
        assertRefused("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n--- a/./x\n+++ b/x\n@@ -1 +1 @@\n-b\n+c\n",
                "patch contains duplicate file entries for /workspace/x");
    }

    @Test
    void refusesEveryUnsupportedGitFeature() {
        for (String line : List.of("old mode 100644", "new mode 100755", "deleted file mode 120000",
                "new file mode 100755", "new file mode 120000", "rename from a", "rename to b", "copy from a",
                "copy to b", "similarity index 90%", "dissimilarity index 10%", "GIT binary patch",
                "Binary files a/x and b/x differ")) {
            assertRefused("diff --git a/x b/x\n" + line + "\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
                    "unsupported patch feature: " + line);
        }
    }

    @Test
    void refusesInvalidHunkLines() {
        assertRefused("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n*b\n", "invalid patch hunk line: *b");
        assertRefused("--- a/x\n+++ b/x\n@@ -1 +1 @@\n\\ No newline at end of file\n-a\n+b\n",
                "invalid patch hunk line: \\ No newline at end of file");
        assertRefused("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n\\ No newline at end of file\n-b\n+c\n+d\n",
                "invalid patch hunk line: -b (it follows a line marked '\\ No newline at end of file')");
    }

    @Test
    void refusesHunkCountsThatLie() {
        // declares more lines than the body has, then the next file begins
        assertRefused("--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n--- a/y\n+++ b/y\n@@ -1 +1 @@\n-y\n+z\n",
                "patch hunk line counts do not match the header for /workspace/x: @@ -1,3 +1,3 @@ declares "
                        + "3 old and 3 new lines, but its body has 2 old and 2 new lines");
        // declares fewer lines than the body has
        assertRefused("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n d\n",
                "patch hunk line counts do not match the header for /workspace/x: @@ -1,2 +1,2 @@ declares "
                        + "2 old and 2 new lines, but its body has 3 old and 3 new lines");
        // the body runs out at the end of the text
        assertRefused("--- a/x\n+++ b/x\n@@ -1,2 +1 @@\n-a\n",
                "patch hunk line counts do not match the header for /workspace/x: @@ -1,2 +1 @@ declares "
                        + "2 old and 1 new lines, but its body has 1 old and 0 new lines");
        // a context line whose leading space an editor stripped
        assertRefused("--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n",
                "patch hunk line counts do not match the header for /workspace/x: @@ -1,3 +1,3 @@ declares "
                        + "3 old and 3 new lines, but its body has 1 old and 1 new lines "
                        + "(an empty context line must still start with a space)");
    }

    @Test
    void readsRemovedLinesThatLookLikeHeadersByTheCounts() {
        List<FilePatch> files = parse("--- a/q.sql\n+++ b/q.sql\n@@ -1,2 +1,2 @@\n--- comment\n+++ added\n x\n");
        assertThat(files.getFirst().hunks().getFirst().lines()).containsExactly(
                new HunkLine(HunkLine.Kind.REMOVE, "-- comment\n"), new HunkLine(HunkLine.Kind.ADD, "++ added\n"),
                new HunkLine(HunkLine.Kind.CONTEXT, "x\n"));
    }

    @Test
    void unquotesGitLabelsAndDropsTimestamps() {
        assertThat(parse("--- \"a/tab\\there \\\"q\\\" \\303\\251\"\n+++ \"b/tab\\there \\\"q\\\" \\303\\251\"\n"
                + "@@ -1 +1 @@\n-a\n+b\n").getFirst().path()).isEqualTo("/workspace/tab\there \"q\" é");
        assertThat(parse("--- a/x y.txt\t2026-01-01\n+++ b/x y.txt\t2026-01-02\n@@ -1 +1 @@\n-a\n+b\n")
                .getFirst().path()).isEqualTo("/workspace/x y.txt");
    }
}
