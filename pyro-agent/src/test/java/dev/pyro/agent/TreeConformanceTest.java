package dev.pyro.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.Json;
import dev.pyro.protocol.TreeResult;
import dev.pyro.protocol.TreeWriteException;
import dev.pyro.protocol.TreeWriter;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** write_tree: entry-by-entry unpacking with modes, mtimes, symlinks and per-entry errors. */
class TreeConformanceTest {
    @TempDir
    static Path tmp;

    @RealAgent
    static AgentHarness agent;
    @RealAgent
    static AgentConnection conn;

    static final long T1 = 1_500_000_000_000_000_000L;
    static final long T2 = 1_600_000_000_500_000_000L;

    private static String perms(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static long mtimeNs(Path p) throws Exception {
        var t = Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).toInstant();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    @Test
    void writesDirectoriesFilesAndSymlinksWithMetadata() throws Exception {
        Path dst = tmp.resolve("tree1");
        byte[] big = new byte[300_000];
        new Random(5).nextBytes(big);
        TreeResult r;
        try (TreeWriter w = conn.files().openTree(true)) {
            r = w.dir(dst.toString(), 0755, T1)
                    .dir(dst + "/src", 0750, T2)
                    .file(dst + "/src/main.c", 0644, T1, "int main(){}\n".getBytes(StandardCharsets.UTF_8))
                    .file(dst + "/src/big.bin", 0600, T2, big.length, new ByteArrayInputStream(big))
                    .file(dst + "/run.sh", 0755, null, "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8))
                    .file(dst + "/empty", null, null, new byte[0])
                    .file(dst + "/deep/er/implicit.txt", null, null, "parents made".getBytes(StandardCharsets.UTF_8))
                    .symlink(dst + "/link", "src/main.c", T1)
                    .dir(dst + "/ro", 0555, T1)
                    .finish(Duration.ofSeconds(10));
        }
        assertThat(r.entries()).isEqualTo(9);
        assertThat(r.bytes()).isEqualTo(13 + big.length + 10 + 0 + 12);
        assertThat(Files.readString(dst.resolve("src/main.c"))).isEqualTo("int main(){}\n");
        assertThat(Files.readAllBytes(dst.resolve("src/big.bin"))).isEqualTo(big);
        assertThat(Files.readString(dst.resolve("deep/er/implicit.txt"))).isEqualTo("parents made");
        assertThat(Files.size(dst.resolve("empty"))).isZero();
        assertThat(perms(dst.resolve("src"))).isEqualTo("rwxr-x---");
        assertThat(perms(dst.resolve("src/big.bin"))).isEqualTo("rw-------");
        assertThat(perms(dst.resolve("run.sh"))).isEqualTo("rwxr-xr-x");
        assertThat(perms(dst.resolve("empty"))).isEqualTo("rw-r--r--");
        assertThat(perms(dst.resolve("ro"))).isEqualTo("r-xr-xr-x");
        assertThat(Files.readSymbolicLink(dst.resolve("link")).toString()).isEqualTo("src/main.c");
        // directory mtimes are applied last, so adding files did not disturb them
        assertThat(mtimeNs(dst)).isEqualTo(T1);
        assertThat(mtimeNs(dst.resolve("src"))).isEqualTo(T2);
        assertThat(mtimeNs(dst.resolve("src/main.c"))).isEqualTo(T1);
        assertThat(mtimeNs(dst.resolve("src/big.bin"))).isEqualTo(T2);
        assertThat(mtimeNs(dst.resolve("link"))).isEqualTo(T1);
    }

    @Test
    void overwriteReplacesFilesAndLinksButNotDirectories() throws Exception {
        Path dst = Files.createDirectories(tmp.resolve("tree2"));
        Files.writeString(dst.resolve("f"), "old");
        Files.createSymbolicLink(dst.resolve("l"), Path.of("/etc"));
        Files.createDirectories(dst.resolve("d"));
        try (TreeWriter w = conn.files().openTree(true)) {
            w.file(dst + "/f", null, null, "new".getBytes()).file(dst + "/l", null, null, "was a link".getBytes())
                    .finish(Duration.ofSeconds(5));
        }
        assertThat(Files.readString(dst.resolve("f"))).isEqualTo("new");
        assertThat(Files.isSymbolicLink(dst.resolve("l"))).isFalse();
        assertThat(Files.readString(dst.resolve("l"))).isEqualTo("was a link");
        try (TreeWriter w = conn.files().openTree(true)) {
            w.file(dst + "/d", null, null, "x".getBytes());
            assertThatThrownBy(() -> w.finish(Duration.ofSeconds(5))).isInstanceOfSatisfying(TreeWriteException.class, e -> {
                assertThat(e.code()).isEqualTo("EISDIR");
                assertThat(e.index()).isZero();
                assertThat(e.path()).isEqualTo(dst + "/d");
            });
        }
        try (TreeWriter w = conn.files().openTree(false)) {
            w.file(dst + "/f", null, null, "again".getBytes());
            assertThatThrownBy(() -> w.finish(Duration.ofSeconds(5))).isInstanceOfSatisfying(TreeWriteException.class,
                    e -> assertThat(e.code()).isEqualTo("EEXIST"));
        }
        assertThat(Files.readString(dst.resolve("f"))).isEqualTo("new");
    }

    @Test
    void theFirstFailingEntryStopsTheRest() throws Exception {
        Path dst = Files.createDirectories(tmp.resolve("tree3"));
        Files.writeString(dst.resolve("file"), "i am a file");
        try (TreeWriter w = conn.files().openTree(true)) {
            w.file(dst + "/ok1", null, null, "1".getBytes())
                    .file(dst + "/file/child", null, null, "cannot".getBytes())
                    .file(dst + "/after", null, null, "skipped".getBytes());
            assertThatThrownBy(() -> w.finish(Duration.ofSeconds(5))).isInstanceOfSatisfying(TreeWriteException.class, e -> {
                assertThat(e.code()).isEqualTo("ENOTDIR");
                assertThat(e.index()).isEqualTo(1);
                assertThat(e.path()).isEqualTo(dst + "/file/child");
                assertThat(e.entriesWritten()).isEqualTo(1);
                assertThat(e.getMessage()).isEqualTo("write '" + dst + "/file/child': Not a directory");
            });
        }
        assertThat(Files.exists(dst.resolve("ok1"))).isTrue();
        assertThat(Files.exists(dst.resolve("after"))).isFalse();
        assertThat(conn.ping()).isPositive();
    }

    @Test
    void malformedEntriesAreReportedNotFatal() throws Exception {
        Path dst = Files.createDirectories(tmp.resolve("tree4"));
        try (TreeWriter w = conn.files().openTree(true)) {
            ObjectNode bad = Json.object();
            bad.put("type", "fifo");
            bad.put("path", dst + "/x");
            w.entry(bad);
            assertThatThrownBy(() -> w.finish(Duration.ofSeconds(5))).isInstanceOfSatisfying(TreeWriteException.class, e -> {
                assertThat(e.code()).isEqualTo("bad_request");
                assertThat(e.getMessage()).contains("unknown entry type");
            });
        }
        try (TreeWriter w = conn.files().openTree(true)) {
            ObjectNode file = Json.object();
            file.put("type", "file");
            file.put("path", dst + "/short");
            file.put("length", 100);
            w.entry(file);   // but no data follows
            assertThatThrownBy(() -> w.finish(Duration.ofSeconds(5))).isInstanceOfSatisfying(TreeWriteException.class,
                    e -> assertThat(e.getMessage()).contains("before the data of"));
        }
        assertThat(Files.exists(dst.resolve("short"))).as("partial file removed").isFalse();
        // an abandoned tree (close without finish) frees the channel; the agent keeps serving
        try (TreeWriter w = conn.files().openTree(true)) {
            w.dir(dst + "/abandoned", null, null);
        }
        assertThat(conn.files().stat(dst.toString()).isDirectory()).isTrue();
    }

    /**
     * Issue 17 A.9: a sync cut off mid-file (the engine killed) left a partial file in the guest,
     * the old one already removed. Now the data goes to a temporary file renamed over the target
     * only once complete: the old content stays, and nothing partial or temporary remains.
     */
    @Test
    void aTreeCutOffMidFileLeavesTheOldFileAndNoPartialOne() throws Exception {
        Path dst = Files.createDirectories(tmp.resolve("tree-cut"));
        Files.writeString(dst.resolve("big.bin"), "old content");
        try (AgentHarness own = AgentHarness.start(tmp.resolve("agent-cut"))) {
            AgentConnection engine = own.connect();
            java.util.concurrent.CountDownLatch sent = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
            java.io.InputStream halfThenStall = new java.io.InputStream() {
                int given;

                @Override
                public int read() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read(byte[] b, int off, int len) throws java.io.IOException {
                    if (given >= 1 << 20) {
                        sent.countDown();
                        try {
                            never.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        throw new java.io.IOException("the engine is gone");
                    }
                    int n = Math.min(len, (1 << 20) - given);
                    java.util.Arrays.fill(b, off, off + n, (byte) 'p');
                    given += n;
                    return n;
                }
            };
            Thread writer = new Thread(() -> {
                try (TreeWriter w = engine.files().openTree(true)) {
                    w.file(dst + "/big.bin", 0644, null, 4L << 20, halfThenStall);
                } catch (RuntimeException expected) {
                    // the connection is closed under it
                }
            });
            writer.start();
            sent.await();
            // the partial data reached the guest: in the temporary file, not the target
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (temporaries(dst).isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(head(dst.resolve("big.bin"))).isEqualTo("old content");
            engine.close(); // as when the engine dies: the agent sees its connection end
            never.countDown();
            writer.join();
            deadline = System.nanoTime() + 5_000_000_000L;
            while (!temporaries(dst).isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
        }
        assertThat(head(dst.resolve("big.bin"))).isEqualTo("old content");
        assertThat(temporaries(dst)).isEmpty();
    }

    /** The first 40 characters: a failure must not print megabytes. */
    private static String head(Path file) throws Exception {
        String text = Files.readString(file);
        return text.length() > 40 ? text.substring(0, 40) + "... (" + text.length() + " chars)" : text;
    }

    private static java.util.List<String> temporaries(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".pyro-write-")).toList();
        }
    }
}
