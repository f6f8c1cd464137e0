package dev.pyro.engine.workspace.review;

import dev.pyro.api.workspace.review.ChangeStatus;
import dev.pyro.api.workspace.review.PatchEntry;
import dev.pyro.api.workspace.review.PatchSummary;
import dev.pyro.api.workspace.review.PatchApplyPayload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Patches written by the real {@code git diff}, applied in memory and compared with git's worktree. */
class GitPatchTest {

    @TempDir
    Path tmp;

    private static String numbered(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    }

    /** Commits {@code before}, edits, diffs with git, applies that diff in memory, checks the result. */
    private AppliedGitPatch applyGitDiff(Map<String, String> before, Consumer<GitRepo> edit, String... diffOptions) {
        GitRepo repo = new GitRepo(tmp).writeAll(before).commit();
        edit.accept(repo);
        String patch = repo.stagedDiff(diffOptions);
        MemoryWorkspace workspace = MemoryWorkspace.of(before);
        PatchPlan plan = workspace.apply(patch);
        assertThat(workspace.texts()).as("applied in memory vs git's worktree").isEqualTo(repo.texts());
        return new AppliedGitPatch(patch, plan);
    }

    private record AppliedGitPatch(String patch, PatchPlan plan) {
    }

    @Test
    void theReproFixSmokePatchModifiesOneLine() {
        AppliedGitPatch applied = applyGitDiff(Map.of("message.txt", "broken\n"),
                repo -> repo.write("message.txt", "fixed\n"));

        assertThat(applied.patch()).contains("--- a/message.txt\n+++ b/message.txt\n@@ -1 +1 @@\n-broken\n+fixed\n");
        assertThat(applied.plan().writes()).containsExactly(new FileWrite("/workspace/message.txt", "fixed\n"));
        assertThat(applied.plan().payload("ws1", "guest_vsock")).isEqualTo(new PatchApplyPayload("ws1", true,
                new PatchSummary(1, 0, 1, 0), List.of(new PatchEntry("/workspace/message.txt", ChangeStatus.MODIFIED)),
                applied.patch(), "guest_vsock"));
    }

    @Test
    void addsModifiesAndDeletesSeveralFilesWithSeveralHunks() {
        Map<String, String> before = new LinkedHashMap<>();
        before.put("src/app.py", numbered(1, 40));
        before.put("README.md", "# Demo\n\nUsage: run it.\n");
        before.put("old/notes.txt", "obsolete\nnotes\n");
        AppliedGitPatch applied = applyGitDiff(before, repo -> repo
                .write("src/app.py", numbered(1, 40).replace("line 3\n", "line three\n")
                        .replace("line 20\n", "line 20\nline 20.5\n").replace("line 39\n", ""))
                .write("src/util.py", "def helper():\n    return 42\n")
                .write("README.md", "# Demo\n\nUsage: run it twice.\n")
                .delete("old/notes.txt"));

        assertThat(applied.patch()).contains("new file mode 100644", "deleted file mode 100644");
        assertThat(applied.patch().lines().filter(l -> l.startsWith("@@")).count()).isEqualTo(6);
        assertThat(applied.plan().entries()).containsExactly(
                new PatchEntry("/workspace/README.md", ChangeStatus.MODIFIED),
                new PatchEntry("/workspace/old/notes.txt", ChangeStatus.DELETED),
                new PatchEntry("/workspace/src/app.py", ChangeStatus.MODIFIED),
                new PatchEntry("/workspace/src/util.py", ChangeStatus.ADDED));
        assertThat(applied.plan().summary()).isEqualTo(new PatchSummary(4, 1, 2, 1));
        assertThat(applied.plan().deletes()).containsExactly("/workspace/old/notes.txt");
    }

    @Test
    void changesTheLastLineOfAFileWithoutATrailingNewline() {
        AppliedGitPatch applied = applyGitDiff(Map.of("config.ini", "a=1\nb=2"),
                repo -> repo.write("config.ini", "a=1\nb=3"));

        assertThat(applied.patch()).contains("-b=2\n\\ No newline at end of file\n+b=3\n\\ No newline at end of file\n");
        assertThat(applied.plan().writes().getFirst().text()).isEqualTo("a=1\nb=3");
    }

    @Test
    void addsAndRemovesTheFinalNewline() {
        applyGitDiff(Map.of("add.txt", "x\ny", "remove.txt", "x\ny\n"),
                repo -> repo.write("add.txt", "x\ny\n").write("remove.txt", "x\ny"));
    }

    @Test
    void addsAFileWithoutATrailingNewlineAndDeletesOne() {
        AppliedGitPatch applied = applyGitDiff(Map.of("gone.txt", "bye"),
                repo -> repo.write("new.txt", "hello\nworld").delete("gone.txt"));

        assertThat(applied.plan().writes()).containsExactly(new FileWrite("/workspace/new.txt", "hello\nworld"));
    }

    @Test
    void zeroContextPatchesInsertAfterTheNamedLine() {
        // -U0 writes "@@ -5,0 +6,2 @@" for "after line 5"; the reference inserted one line early here
        AppliedGitPatch applied = applyGitDiff(Map.of("list.txt", numbered(1, 10)),
                repo -> repo.write("list.txt", numbered(1, 5) + "new a\nnew b\n" + numbered(6, 9)), "-U0");

        assertThat(applied.patch()).contains("@@ -5,0 +6,2 @@").contains("@@ -10 +11,0 @@");
    }

    @Test
    void removesLinesThatLookLikeFileHeaders() {
        String sql = "-- schema v1\nCREATE TABLE t (id int);\n-- end\n";
        AppliedGitPatch applied = applyGitDiff(Map.of("schema.sql", sql, "z.txt", "z\n"),
                repo -> repo.write("schema.sql", "CREATE TABLE t (id int);\n").write("z.txt", "zz\n"));

        assertThat(applied.patch()).contains("\n--- schema v1\n").contains("\n--- end\n");
    }

    @Test
    void patchesQuotedNonAsciiAndSpacedPaths() {
        AppliedGitPatch applied = applyGitDiff(Map.of("café.txt", "old\n", "my notes.txt", "a\n"),
                repo -> repo.write("café.txt", "new\n").write("my notes.txt", "b\n"));

        assertThat(applied.patch()).contains("--- \"a/caf\\303\\251.txt\"");
        assertThat(applied.plan().entries()).extracting(PatchEntry::path)
                .containsExactly("/workspace/café.txt", "/workspace/my notes.txt");
    }

    @Test
    void handlesCrlfFilesExactly() {
        applyGitDiff(Map.of("win.txt", "one\r\ntwo\r\nthree\r\n"),
                repo -> repo.write("win.txt", "one\r\n2\r\nthree\r\n"));
    }

    @Test
    void refusesAGitPatchWhenTheFileChangedSince() {
        GitRepo repo = new GitRepo(tmp).write("app.txt", numbered(1, 12)).commit();
        repo.write("app.txt", numbered(1, 12).replace("line 6\n", "line six\n"));
        String patch = repo.stagedDiff();
        MemoryWorkspace workspace = MemoryWorkspace.of(Map.of("app.txt", numbered(1, 12).replace("line 5\n", "LINE 5\n")));

        assertThatThrownBy(() -> workspace.plan(patch))
                .isInstanceOf(PyroException.class)
                .hasMessage("patch context does not match for /workspace/app.txt in hunk @@ -3,7 +3,7 @@: "
                        + "line 5 should be \"line 5\" but is \"LINE 5\"");
    }

    @Test
    void refusesGitBinaryPatches() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, 3};
        GitRepo repo = new GitRepo(tmp).write("a.txt", "a\n").commit();
        repo.writeBytes("logo.png", png);

        String plain = repo.stagedDiff();
        assertThat(plain).contains("Binary files /dev/null and b/logo.png differ");
        assertThatThrownBy(() -> new MemoryWorkspace().plan(plain))
                .hasMessage("unsupported patch feature: Binary files /dev/null and b/logo.png differ");

        String full = repo.stagedDiff("--binary");
        assertThatThrownBy(() -> new MemoryWorkspace().plan(full))
                .hasMessage("unsupported patch feature: GIT binary patch");
    }

    @Test
    void refusesGitRenamesModeChangesAndExecutableFiles() {
        GitRepo repo = new GitRepo(tmp).write("a.txt", numbered(1, 20)).write("run.sh", "echo hi\n").commit();
        repo.git("mv", "a.txt", "b.txt");
        String rename = repo.stagedDiff("-M");
        assertThatThrownBy(() -> new MemoryWorkspace().plan(rename))
                .hasMessage("unsupported patch feature: similarity index 100%");

        repo.git("mv", "b.txt", "a.txt");
        repo.chmod("run.sh", "rwxr-xr-x");
        String modeChange = repo.stagedDiff();
        assertThatThrownBy(() -> new MemoryWorkspace().plan(modeChange))
                .hasMessage("unsupported patch feature: old mode 100644");

        repo.commit().write("tool.sh", "#!/bin/sh\n").chmod("tool.sh", "rwxr-xr-x");
        String executable = repo.stagedDiff();
        assertThatThrownBy(() -> new MemoryWorkspace().plan(executable))
                .hasMessage("unsupported patch feature: new file mode 100755");
    }

    @Test
    void gitPatchesApplyIdenticallyToTheWorkspaceBytes() {
        AppliedGitPatch applied = applyGitDiff(Map.of("u.txt", "naïve ünïcødé ✓\nsecond\n"),
                repo -> repo.write("u.txt", "naïve ünïcødé ✓\nzweite 🚀\n"));

        assertThat(applied.plan().writes().getFirst().text().getBytes(StandardCharsets.UTF_8))
                .isEqualTo("naïve ünïcødé ✓\nzweite 🚀\n".getBytes(StandardCharsets.UTF_8));
    }
}
