package dev.pyro.engine.workspace.review;

import dev.pyro.api.workspace.review.ArtifactType;
import dev.pyro.api.workspace.review.ChangeStatus;
import dev.pyro.api.workspace.review.DiffEntry;
import dev.pyro.api.workspace.review.DiffSummary;
import dev.pyro.api.workspace.review.DiffPayload;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status table, markers, summary and payload of §12.2. */
class BaselineDiffTest {

    static TreeEntry text(String content) {
        return TreeEntry.file(0644, content.getBytes(UTF_8));
    }

    @Test
    void unchangedTreesReportNothing() {
        Map<String, TreeEntry> tree = Map.of("a.txt", text("a\n"), "d", TreeEntry.directory(0755),
                "d/b.txt", text("b\n"), "l", TreeEntry.symlink("a.txt"));
        DiffPayload diff = BaselineDiff.compute("ws", tree, Map.copyOf(tree));

        assertThat(diff).isEqualTo(new DiffPayload("ws", false, new DiffSummary(0, 0, 0, 0, 0, 0, 0), List.of(), ""));
    }

    @Test
    void classifiesEveryCaseOfTheSpecTable() {
        Map<String, TreeEntry> baseline = new HashMap<>();
        baseline.put("same.txt", text("same\n"));
        baseline.put("mod.txt", text("a\nb\nc\n"));
        baseline.put("del.txt", text("gone\n"));
        baseline.put("link", TreeEntry.symlink("mod.txt"));
        baseline.put("samelink", TreeEntry.symlink("x"));
        baseline.put("typed", text("was a file\n"));
        baseline.put("dir", TreeEntry.directory(0755));
        baseline.put("dir/kept.txt", text("kept\n"));
        baseline.put("emptydir", TreeEntry.directory(0755));
        baseline.put("removed-empty-dir", TreeEntry.directory(0755));
        baseline.put("full-dir", TreeEntry.directory(0755));
        baseline.put("full-dir/f.txt", text("f\n"));
        Map<String, TreeEntry> current = new HashMap<>(baseline);
        current.put("mod.txt", text("a\nB\nc\n"));
        current.remove("del.txt");
        current.put("add.txt", text("new\n"));
        current.put("link", TreeEntry.symlink("add.txt"));
        current.put("typed", TreeEntry.directory(0755));
        current.remove("removed-empty-dir");
        current.put("new-empty-dir", TreeEntry.directory(0700));
        current.put("new-full-dir", TreeEntry.directory(0755));
        current.put("new-full-dir/g.txt", text("g\n"));
        current.remove("full-dir/f.txt"); // leaves full-dir empty: it now appears as a directory of its own

        DiffPayload diff = BaselineDiff.compute("ws", baseline, current);

        String addPatch = "--- /dev/null\n+++ b/add.txt\n@@ -0,0 +1 @@\n+new\n";
        String delPatch = "--- a/del.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-gone\n";
        String fPatch = "--- a/full-dir/f.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-f\n";
        String modPatch = "--- a/mod.txt\n+++ b/mod.txt\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n";
        String gPatch = "--- /dev/null\n+++ b/new-full-dir/g.txt\n@@ -0,0 +1 @@\n+g\n";
        assertThat(diff.entries()).containsExactly(
                new DiffEntry("add.txt", ChangeStatus.ADDED, ArtifactType.FILE, addPatch, false, null, null),
                new DiffEntry("del.txt", ChangeStatus.DELETED, ArtifactType.FILE, delPatch, false, null, null),
                DiffEntry.of("full-dir", ChangeStatus.ADDED, ArtifactType.DIRECTORY),
                new DiffEntry("full-dir/f.txt", ChangeStatus.DELETED, ArtifactType.FILE, fPatch, false, null, null),
                DiffEntry.of("link", ChangeStatus.MODIFIED, ArtifactType.SYMLINK),
                new DiffEntry("mod.txt", ChangeStatus.MODIFIED, ArtifactType.FILE, modPatch, false, null, null),
                DiffEntry.of("new-empty-dir", ChangeStatus.ADDED, ArtifactType.DIRECTORY),
                new DiffEntry("new-full-dir/g.txt", ChangeStatus.ADDED, ArtifactType.FILE, gPatch, false, null, null),
                DiffEntry.of("removed-empty-dir", ChangeStatus.DELETED, ArtifactType.DIRECTORY),
                DiffEntry.of("typed", ChangeStatus.TYPE_CHANGED, ArtifactType.DIRECTORY));
        assertThat(diff.summary()).isEqualTo(new DiffSummary(10, 4, 2, 3, 1, 5, 5));
        assertThat(diff.patch()).isEqualTo(addPatch + delPatch + fPatch + modPatch + gPatch);
        assertThat(diff.changed()).isTrue();
    }

    @Test
    void typeChangesNameTheCurrentTypeAndCarryNoPatch() {
        DiffPayload diff = BaselineDiff.compute("ws",
                Map.of("a", TreeEntry.symlink("b"), "b", text("b\n"), "c", TreeEntry.directory(0755)),
                Map.of("a", text("now a file\n"), "b", TreeEntry.symlink("a"), "c", TreeEntry.symlink("a")));

        assertThat(diff.entries()).extracting(DiffEntry::path, DiffEntry::status, DiffEntry::artifactType, DiffEntry::textPatch)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a", ChangeStatus.TYPE_CHANGED, ArtifactType.FILE, null),
                        org.assertj.core.groups.Tuple.tuple("b", ChangeStatus.TYPE_CHANGED, ArtifactType.SYMLINK, null),
                        org.assertj.core.groups.Tuple.tuple("c", ChangeStatus.TYPE_CHANGED, ArtifactType.SYMLINK, null));
        assertThat(diff.summary()).isEqualTo(new DiffSummary(3, 0, 0, 0, 3, 0, 3));
    }

    @Test
    void binaryFilesGetAMarkerInsteadOfAPatch() {
        byte[] withNul = {'a', 0, 'b', '\n'};
        byte[] invalidUtf8 = {'a', (byte) 0xc3, '(', '\n'};
        DiffPayload diff = BaselineDiff.compute("ws",
                Map.of("bin-to-text", TreeEntry.file(0644, withNul), "text-to-bin", text("t\n"),
                        "gone.bin", TreeEntry.file(0644, invalidUtf8)),
                Map.of("bin-to-text", text("now text\n"), "text-to-bin", TreeEntry.file(0644, invalidUtf8),
                        "new.bin", TreeEntry.file(0644, withNul)));

        assertThat(diff.entries()).containsExactly(
                new DiffEntry("bin-to-text", ChangeStatus.MODIFIED, ArtifactType.FILE, null, true, null, null),
                new DiffEntry("gone.bin", ChangeStatus.DELETED, ArtifactType.FILE, null, true, null, null),
                new DiffEntry("new.bin", ChangeStatus.ADDED, ArtifactType.FILE, null, true, null, null),
                new DiffEntry("text-to-bin", ChangeStatus.MODIFIED, ArtifactType.FILE, null, true, null, null));
        assertThat(diff.summary()).isEqualTo(new DiffSummary(4, 1, 2, 1, 0, 0, 4));
        assertThat(diff.patch()).isEmpty();
    }

    @Test
    void emptyTextFilesGetAnEmptyPatchCountedAsNonText() {
        DiffPayload diff = BaselineDiff.compute("ws", Map.of("old-empty", text("")), Map.of("new-empty", text("")));

        assertThat(diff.entries()).containsExactly(
                new DiffEntry("new-empty", ChangeStatus.ADDED, ArtifactType.FILE, "", false, null, null),
                new DiffEntry("old-empty", ChangeStatus.DELETED, ArtifactType.FILE, "", false, null, null));
        assertThat(diff.summary()).isEqualTo(new DiffSummary(2, 1, 0, 1, 0, 0, 2));
    }

    @Test
    void reportsModeChangesOfFiles() {
        DiffPayload diff = BaselineDiff.compute("ws",
                Map.of("run.sh", TreeEntry.file(0644, "echo\n".getBytes(UTF_8)),
                        "both.sh", TreeEntry.file(0755, "a\n".getBytes(UTF_8)),
                        "unknown.sh", TreeEntry.file(TreeEntry.UNKNOWN_MODE, "u\n".getBytes(UTF_8))),
                Map.of("run.sh", TreeEntry.file(0100755, "echo\n".getBytes(UTF_8)),
                        "both.sh", TreeEntry.file(0700, "b\n".getBytes(UTF_8)),
                        "unknown.sh", TreeEntry.file(0755, "u\n".getBytes(UTF_8))));

        assertThat(diff.entries()).containsExactly(
                new DiffEntry("both.sh", ChangeStatus.MODIFIED, ArtifactType.FILE,
                        "--- a/both.sh\n+++ b/both.sh\n@@ -1 +1 @@\n-a\n+b\n", false, "0755", "0700"),
                new DiffEntry("run.sh", ChangeStatus.MODIFIED, ArtifactType.FILE, null, false, "0644", "0755"));
        assertThat(diff.summary()).isEqualTo(new DiffSummary(2, 0, 2, 0, 0, 1, 1));
    }

    @Test
    void readsContentOnlyWhenSizeAndHashCannotDecide() {
        List<String> reads = new ArrayList<>();
        Map<String, TreeEntry> baseline = new HashMap<>();
        Map<String, TreeEntry> current = new HashMap<>();
        // equal size and hash: never read
        baseline.put("hashed-same", lazy("hashed-same/old", "same\n", "sha256:1", reads));
        current.put("hashed-same", lazy("hashed-same/new", "same\n", "sha256:1", reads));
        // equal size, different hashes: changed without comparing bytes, read once each for the patch
        baseline.put("hashed-changed", lazy("hashed-changed/old", "aaaa\n", "sha256:2", reads));
        current.put("hashed-changed", lazy("hashed-changed/new", "bbbb\n", "sha256:3", reads));
        // equal size, no hashes: read once each to compare (and the equal file needs nothing more)
        baseline.put("unhashed-same", lazy("unhashed-same/old", "x\n", null, reads));
        current.put("unhashed-same", lazy("unhashed-same/new", "x\n", null, reads));
        // different size: changed at once; read for the patch
        baseline.put("resized", lazy("resized/old", "1\n", "sha256:4", reads));
        current.put("resized", lazy("resized/new", "1\n2\n", "sha256:5", reads));

        DiffPayload diff = BaselineDiff.compute("ws", baseline, current);

        assertThat(diff.entries()).extracting(DiffEntry::path).containsExactly("hashed-changed", "resized");
        assertThat(reads).containsExactlyInAnyOrder("hashed-changed/old", "hashed-changed/new", "resized/old",
                "resized/new", "unhashed-same/old", "unhashed-same/new");
    }

    private static TreeEntry lazy(String name, String content, String hash, List<String> reads) {
        byte[] bytes = content.getBytes(UTF_8);
        return TreeEntry.file(0644, bytes.length, hash, () -> {
            reads.add(name);
            return new java.io.ByteArrayInputStream(bytes);
        });
    }

    @Test
    void payloadSerializesWithTheSpecKeys() throws Exception {
        DiffPayload diff = BaselineDiff.compute("ab12cd34ef56",
                Map.of("a.txt", text("a\n"), "run.sh", TreeEntry.file(0644, new byte[] {0})),
                Map.of("a.txt", text("b\n"), "run.sh", TreeEntry.file(0755, new byte[] {0})));

        assertThat(Json.MAPPER.writeValueAsString(diff)).isEqualTo("{\"workspace_id\":\"ab12cd34ef56\",\"changed\":true,"
                + "\"summary\":{\"total\":2,\"added\":0,\"modified\":2,\"deleted\":0,\"type_changed\":0,"
                + "\"text_patched\":1,\"non_text\":1},\"entries\":["
                + "{\"path\":\"a.txt\",\"status\":\"modified\",\"artifact_type\":\"file\","
                + "\"text_patch\":\"--- a/a.txt\\n+++ b/a.txt\\n@@ -1 +1 @@\\n-a\\n+b\\n\",\"binary\":false},"
                + "{\"path\":\"run.sh\",\"status\":\"modified\",\"artifact_type\":\"file\",\"text_patch\":null,"
                + "\"binary\":false,\"old_mode\":\"0644\",\"new_mode\":\"0755\"}],"
                + "\"patch\":\"--- a/a.txt\\n+++ b/a.txt\\n@@ -1 +1 @@\\n-a\\n+b\\n\"}");
    }

    @Test
    void sortsPathsByCodePointLikeTheReference() {
        // U+1F600 sorts after U+FFFD by code point, before it by UTF-16 unit
        DiffPayload diff = BaselineDiff.compute("ws", Map.of(),
                Map.of("\uFFFD.txt", text("a\n"), "\uD83D\uDE00.txt", text("b\n"), "a-b", text("c\n"), "a/b", text("d\n")));

        assertThat(diff.entries()).extracting(DiffEntry::path)
                .containsExactly("a-b", "a/b", "\uFFFD.txt", "\uD83D\uDE00.txt");
    }

    @Test
    void refusesIncompleteEntries() {
        assertThatThrownBy(() -> new TreeEntry(ArtifactType.FILE, 0644, 1, null, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("a file entry needs its content source");
    }

    // ------------------------------------------------------------------ issue 17 A.6: bounded memory

    /** {@code size} generated bytes (all {@code fill}, the last one {@code last}); never held in memory. */
    static ContentSource generated(long size, byte fill, byte last) {
        return () -> new java.io.InputStream() {
            long pos;

            @Override
            public int read() {
                return pos >= size ? -1 : (pos++ == size - 1 ? last : fill) & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= size) return -1;
                int n = (int) Math.min(len, size - pos);
                java.util.Arrays.fill(b, off, off + n, fill);
                if (pos + n == size) b[off + n - 1] = last;
                pos += n;
                return n;
            }
        };
    }

    static ContentSource unreadable(String why) {
        return () -> {
            throw new AssertionError(why);
        };
    }

    @Test
    void filesOverTheTextLimitAreComparedInChunksAndGetNoPatch() {
        long big = (long) Integer.MAX_VALUE + 4096; // no byte[] can hold it: reading it whole failed before
        long huge = 3L << 30;
        Map<String, TreeEntry> before = Map.of(
                "same.bin", TreeEntry.file(0644, big, null, generated(big, (byte) 'a', (byte) '\n')),
                "changed-at-end.log", TreeEntry.file(0644, big, null, generated(big, (byte) 'a', (byte) '\n')),
                "deleted.img", TreeEntry.file(0644, huge, null, unreadable("a deleted big file is not read")),
                "grown.txt", text("small\n"));
        Map<String, TreeEntry> after = Map.of(
                "same.bin", TreeEntry.file(0644, big, null, generated(big, (byte) 'a', (byte) '\n')),
                "changed-at-end.log", TreeEntry.file(0644, big, null, generated(big, (byte) 'a', (byte) 'X')),
                "added.img", TreeEntry.file(0644, huge, null, unreadable("an added big file is not read")),
                "grown.txt", TreeEntry.file(0644, huge, null, unreadable("a size change needs no bytes")));
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long allocated = threads instanceof com.sun.management.ThreadMXBean t ? t.getCurrentThreadAllocatedBytes() : 0;
        DiffPayload diff = BaselineDiff.compute("ws", before, after);
        if (threads instanceof com.sun.management.ThreadMXBean t) {
            // comparing 2 x 2 GiB went through two 64 KiB buffers, not the files
            assertThat(t.getCurrentThreadAllocatedBytes() - allocated).isLessThan(64L << 20);
        }
        assertThat(diff.entries()).containsExactly(
                new DiffEntry("added.img", ChangeStatus.ADDED, ArtifactType.FILE, null, false, null, null, true),
                new DiffEntry("changed-at-end.log", ChangeStatus.MODIFIED, ArtifactType.FILE, null, false, null, null, true),
                new DiffEntry("deleted.img", ChangeStatus.DELETED, ArtifactType.FILE, null, false, null, null, true),
                new DiffEntry("grown.txt", ChangeStatus.MODIFIED, ArtifactType.FILE, null, false, null, null, true));
        assertThat(diff.summary().nonText()).isEqualTo(4);
        assertThat(diff.patch()).isEmpty();
    }

    @Test
    void patchesStopAtTheTotalBudgetAndTheRestAreMarked() throws Exception {
        String line = "x".repeat(1000) + "\n";
        String content = line.repeat(1000); // ~1 MB: just under the per-file limit
        Map<String, TreeEntry> after = new HashMap<>();
        int files = (int) (ReviewLimits.DIFF_PATCH_TOTAL_MAX_BYTES / content.length()) + 3;
        for (int i = 0; i < files; i++) after.put(String.format("f%03d.txt", i), text(content));
        DiffPayload diff = BaselineDiff.compute("ws", Map.of(), after);
        assertThat(TextLines.utf8Length(diff.patch())).isLessThanOrEqualTo(ReviewLimits.DIFF_PATCH_TOTAL_MAX_BYTES);
        assertThat(diff.entries()).hasSize(files);
        assertThat(diff.entries()).filteredOn(DiffEntry::tooLarge).isNotEmpty()
                .allSatisfy(e -> assertThat(e.textPatch()).isNull());
        assertThat(diff.entries().getFirst().tooLarge()).isFalse();
        String json = Json.MAPPER.writeValueAsString(diff);
        assertThat(json).contains("\"too_large\":true");
        assertThat(Json.MAPPER.writeValueAsString(diff.entries().getFirst())).doesNotContain("too_large");
    }
}
