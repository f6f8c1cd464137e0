package dev.pyro.engine.workspace.review;

import dev.pyro.api.workspace.review.ChangeStatus;
import dev.pyro.api.workspace.review.PatchEntry;
import dev.pyro.api.workspace.review.PatchSummary;
import dev.pyro.api.workspace.review.PatchApplyPayload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.api.Json;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Preflight and plan semantics of §12.6, with hand-written (often hostile) patches. */
class PatchPlannerTest {

    private static final String TEN = IntStream.rangeClosed(1, 10).mapToObj(i -> "l" + i + "\n").collect(Collectors.joining());

    private static MemoryWorkspace ten() {
        return new MemoryWorkspace().put("a.txt", TEN);
    }

    private static void assertRefused(MemoryWorkspace workspace, String patch, String message) {
        assertThatThrownBy(() -> workspace.plan(patch))
                .isInstanceOf(PyroException.class)
                .hasMessage(message)
                .extracting(e -> ((PyroException) e).kind()).isEqualTo(PyroException.Kind.INVALID_INPUT);
    }

    @Test
    void appliesAPlainPatchWithoutGitHeadersOrPrefixes() {
        MemoryWorkspace workspace = ten();
        PatchPlan plan = workspace.apply("--- a.txt\t2026-01-01 10:00:00\n+++ a.txt\t2026-01-02 10:00:00\n"
                + "@@ -1,2 +1,2 @@\n-l1\n+first\n l2\n");

        assertThat(workspace.text("a.txt")).isEqualTo(TEN.replace("l1\n", "first\n"));
        assertThat(plan.entries()).containsExactly(new PatchEntry("/workspace/a.txt", ChangeStatus.MODIFIED));
    }

    @Test
    void acceptsWorkspaceAbsolutePathsAndAMissingFinalNewline() {
        MemoryWorkspace workspace = ten();
        workspace.apply("--- /workspace/a.txt\n+++ /workspace/a.txt\n@@ -10 +10 @@\n-l10\n+ten");

        assertThat(workspace.text("a.txt")).endsWith("l9\nten\n");
    }

    @Test
    void refusesContextThatDoesNotMatchNamingFileAndHunk() {
        String patch = "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n-l1\n+one\n l2\n"
                + "@@ -6,3 +6,3 @@\n l6\n-L7\n+seven\n l8\n";
        assertRefused(ten(), patch, "patch context does not match for /workspace/a.txt in hunk @@ -6,3 +6,3 @@: "
                + "line 7 should be \"L7\" but is \"l7\"");
    }

    @Test
    void neverSearchesForAnOffset() {
        // The hunk's lines exist, one line further down: GNU patch would apply with offset 1.
        MemoryWorkspace shifted = new MemoryWorkspace().put("a.txt", "header\n" + TEN);
        assertRefused(shifted, "--- a/a.txt\n+++ b/a.txt\n@@ -2,3 +2,3 @@\n l2\n-l3\n+three\n l4\n",
                "patch context does not match for /workspace/a.txt in hunk @@ -2,3 +2,3 @@: "
                        + "line 2 should be \"l2\" but is \"l1\"");
    }

    @Test
    void neverFuzzesWhitespaceOrNewlines() {
        assertRefused(ten(), "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-l1 \n+x\n",
                "patch context does not match for /workspace/a.txt in hunk @@ -1 +1 @@: line 1 should be \"l1 \" but is \"l1\"");
        assertRefused(new MemoryWorkspace().put("crlf.txt", "a\r\nb\r\n"), "--- a/crlf.txt\n+++ b/crlf.txt\n@@ -1 +1 @@\n-a\n+x\n",
                "patch context does not match for /workspace/crlf.txt in hunk @@ -1 +1 @@: line 1 should be \"a\" but is \"a\\r\"");
        assertRefused(new MemoryWorkspace().put("n.txt", "a\nb"), "--- a/n.txt\n+++ b/n.txt\n@@ -2 +2 @@\n-b\n+c\n",
                "patch context does not match for /workspace/n.txt in hunk @@ -2 +2 @@: "
                        + "line 2 should be \"b\" but is \"b\" (no newline at end of file)");
    }

    @Test
    void refusesHunksOutOfRangeOrOverlapping() {
        assertRefused(ten(), "--- a/a.txt\n+++ b/a.txt\n@@ -20,2 +20,2 @@\n-x\n+y\n z\n",
                "patch hunk is out of range for /workspace/a.txt in hunk @@ -20,2 +20,2 @@: the file has only 10 lines");
        assertRefused(ten(), "--- a/a.txt\n+++ b/a.txt\n@@ -5,2 +5,2 @@\n-l5\n+five\n l6\n@@ -6 +6 @@\n-l6\n+six\n",
                "patch hunk is out of range for /workspace/a.txt in hunk @@ -6 +6 @@: it overlaps the previous hunk");
        assertRefused(ten(), "--- a/a.txt\n+++ b/a.txt\n@@ -9,3 +9,3 @@\n l9\n l10\n-l11\n+eleven\n",
                "patch context does not match for /workspace/a.txt in hunk @@ -9,3 +9,3 @@: "
                        + "line 11 should be \"l11\" but the file has only 10 lines");
    }

    @Test
    void refusesAddingAfterALastLineWithoutNewline() {
        assertRefused(new MemoryWorkspace().put("n.txt", "a\nb"), "--- a/n.txt\n+++ b/n.txt\n@@ -2,0 +3 @@\n+c\n",
                "patch context does not match for /workspace/n.txt in hunk @@ -2,0 +3 @@: "
                        + "a line without a trailing newline must be the last line of the file");
    }

    @Test
    void refusesPathsOutsideTheWorkspace() {
        assertRefused(ten(), "--- a/../etc/passwd\n+++ b/../etc/passwd\n@@ -1 +1 @@\n-x\n+y\n",
                "workspace path must stay inside /workspace");
        assertRefused(ten(), "--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-x\n+y\n",
                "workspace path must stay inside /workspace");
        assertRefused(ten(), "--- /dev/null\n+++ b/src/../../x\n@@ -0,0 +1 @@\n+y\n",
                "workspace path must stay inside /workspace");
    }

    @Test
    void refusesOversizedPatchesMeasuredInUtf8() {
        String twoByteChars = "é".repeat(ReviewLimits.WORKSPACE_PATCH_MAX_BYTES / 2 + 1);
        assertThat(twoByteChars.length()).isLessThan(ReviewLimits.WORKSPACE_PATCH_MAX_BYTES);
        assertRefused(ten(), "--- /dev/null\n+++ b/big.txt\n@@ -0,0 +1 @@\n+" + twoByteChars + "\n",
                "patch must be at most 1048576 bytes when encoded as UTF-8");
        assertRefused(ten(), "", "patch must not be empty");
        assertRefused(ten(), " \n\t\n", "patch must not be empty");
    }

    @Test
    void refusesResultsAndInputsOverTheFileLimit() {
        String line = "x".repeat(1023) + "\n";
        MemoryWorkspace workspace = new MemoryWorkspace().put("big.txt", line.repeat(1023)); // 1 KiB short of the limit
        assertRefused(workspace, "--- a/big.txt\n+++ b/big.txt\n@@ -1023 +1023,3 @@\n " + line + "+" + line + "+" + line,
                "patched file /workspace/big.txt exceeds the maximum supported size of 1048576 bytes");

        MemoryWorkspace huge = new MemoryWorkspace().put("huge.txt", "y".repeat(ReviewLimits.WORKSPACE_FILE_MAX_BYTES + 1));
        assertRefused(huge, "--- a/huge.txt\n+++ b/huge.txt\n@@ -1 +1 @@\n-y\n+z\n",
                "workspace file exceeds the maximum supported size of 1048576 bytes: /workspace/huge.txt");
    }

    @Test
    void refusesNonTextAndNonRegularTargets() {
        MemoryWorkspace workspace = new MemoryWorkspace().putBytes("blob.bin", new byte[] {(byte) 0xff, (byte) 0xfe, 'a', '\n'});
        workspace.directories.add("/workspace/src");
        assertRefused(workspace, "--- a/blob.bin\n+++ b/blob.bin\n@@ -1 +1 @@\n-a\n+b\n",
                "workspace patch only supports UTF-8 text files: /workspace/blob.bin");
        assertRefused(workspace, "--- /dev/null\n+++ b/src\n@@ -0,0 +1 @@\n+b\n",
                "workspace patch only supports regular files: /workspace/src");
    }

    @Test
    void refusesStatusesThatContradictTheWorkspace() {
        assertRefused(ten(), "--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1 @@\n+new\n",
                "workspace patch cannot add an existing path: /workspace/a.txt");
        assertRefused(ten(), "--- a/missing.txt\n+++ b/missing.txt\n@@ -1 +1 @@\n-a\n+b\n",
                "workspace patch cannot modify a missing path: /workspace/missing.txt");
        assertRefused(ten(), "--- a/missing.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n",
                "workspace patch cannot modify a missing path: /workspace/missing.txt");
        assertRefused(ten(), "--- a/a.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-l1\n-l2\n",
                "delete patch did not remove all content for /workspace/a.txt");
    }

    @Test
    void isAllOrNothingAcrossFiles() {
        MemoryWorkspace workspace = new MemoryWorkspace().put("a.txt", "a\n").put("b.txt", "b\n");
        String patch = "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-a\n+A\n"
                + "--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+new\n"
                + "--- a/b.txt\n+++ b/b.txt\n@@ -1 +1 @@\n-not b\n+B\n";

        assertThatThrownBy(() -> workspace.apply(patch))
                .hasMessage("patch context does not match for /workspace/b.txt in hunk @@ -1 +1 @@: line 1 should be \"not b\" but is \"b\"");
        assertThat(workspace.lookups).containsExactly("/workspace/a.txt", "/workspace/b.txt");
        assertThat(workspace.operations).isEmpty();
        assertThat(workspace.texts()).isEqualTo(Map.of("a.txt", "a\n", "b.txt", "b\n"));
    }

    @Test
    void commitsWritesInPathOrderThenDeletes() {
        MemoryWorkspace workspace = new MemoryWorkspace().put("z.txt", "z\n").put("m.txt", "m\n").put("b.txt", "b\n");
        PatchPlan plan = workspace.apply("--- a/z.txt\n+++ b/z.txt\n@@ -1 +1 @@\n-z\n+Z\n"
                + "--- a/b.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-b\n"
                + "--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1,2 @@\n+a\n+a\n"
                + "--- a/m.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-m\n");

        assertThat(workspace.operations).containsExactly("write /workspace/a.txt", "write /workspace/z.txt",
                "delete /workspace/b.txt", "delete /workspace/m.txt");
        assertThat(workspace.texts()).isEqualTo(Map.of("a.txt", "a\na\n", "z.txt", "Z\n"));
        assertThat(plan.summary()).isEqualTo(new PatchSummary(4, 1, 1, 2));
    }

    @Test
    void payloadSerializesWithTheSpecKeys() throws Exception {
        String patch = "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-l1\n+one\n";
        PatchApplyPayload payload = ten().plan(patch).payload("ab12cd34ef56", "guest_vsock");

        assertThat(Json.MAPPER.writeValueAsString(payload)).isEqualTo("{\"workspace_id\":\"ab12cd34ef56\",\"changed\":true,"
                + "\"summary\":{\"total\":1,\"added\":0,\"modified\":1,\"deleted\":0},"
                + "\"entries\":[{\"path\":\"/workspace/a.txt\",\"status\":\"modified\"}],"
                + "\"patch\":" + Json.MAPPER.writeValueAsString(patch) + ",\"execution_mode\":\"guest_vsock\"}");
    }

    @Test
    void aPatchThatRestatesTheSameLinesStillCountsAsModified() {
        PatchPlan plan = ten().plan("--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-l1\n+l1\n");
        assertThat(plan.writes()).containsExactly(new FileWrite("/workspace/a.txt", TEN));
        assertThat(plan.changed()).isTrue();
        assertThat(List.of(plan.deletes())).containsExactly(List.of());
    }
}
