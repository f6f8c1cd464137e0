package dev.pyro.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentException;
import dev.pyro.protocol.DirEntry;
import dev.pyro.protocol.DirListing;
import dev.pyro.protocol.FileStat;
import dev.pyro.protocol.FileType;
import dev.pyro.protocol.ReadResult;
import dev.pyro.protocol.WriteOptions;
import dev.pyro.protocol.WriteResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stat, list, read, write, mkdir, delete, rename, symlink, readlink against the real agent. */
class FileConformanceTest {
    @TempDir
    static Path tmp;

    @RealAgent
    static AgentHarness agent;
    @RealAgent
    static AgentConnection conn;
    static Path root;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(tmp.resolve("ws"));
    }

    private static String p(String rel) {
        return root.resolve(rel).toString();
    }

    private static void assertCode(Runnable r, String code, String message) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessage(message);
    }

    @Test
    void statReportsTypeSizeModeAndTime() throws Exception {
        Path f = Files.writeString(root.resolve("stat.txt"), "12345");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_600_000_000_123L));
        Files.createSymbolicLink(root.resolve("stat-link"), Path.of("stat.txt"));
        FileStat s = conn.files().stat(f.toString());
        assertThat(s.type()).isEqualTo(FileType.FILE);
        assertThat(s.size()).isEqualTo(5);
        assertThat(s.mode()).isEqualTo(0640);
        assertThat(s.mtime().toEpochMilli()).isEqualTo(1_600_000_000_123L);
        assertThat(s.nlink()).isEqualTo(1);
        FileStat l = conn.files().stat(p("stat-link"));
        assertThat(l.isSymlink()).isTrue();
        assertThat(l.linkTarget()).isEqualTo("stat.txt");
        assertThat(conn.files().stat(p("stat-link"), true, Duration.ofSeconds(5)).isFile()).isTrue();
        assertThat(conn.files().stat(root.toString()).isDirectory()).isTrue();
        assertCode(() -> conn.files().stat(p("missing")), "ENOENT", "stat '" + p("missing") + "': No such file or directory");
        assertCode(() -> conn.files().stat(p("stat.txt/x")), "ENOTDIR", "stat '" + p("stat.txt/x") + "': Not a directory");
        assertCode(() -> conn.files().stat("relative/path"), "bad_request", "field 'path' must be an absolute path");
        assertCode(() -> conn.files().stat(""), "bad_request", "field 'path' must not be empty");
    }

    @Test
    void listIsSortedAndDescribesEntries() throws Exception {
        Path d = Files.createDirectories(root.resolve("list"));
        Files.writeString(d.resolve("b.txt"), "bb");
        Files.createDirectory(d.resolve("a-dir"));
        Files.createSymbolicLink(d.resolve("c-link"), Path.of("/nowhere"));
        Runtime.getRuntime().exec(new String[] {"mkfifo", d.resolve("d-fifo").toString()}).waitFor();
        DirListing l = conn.files().list(d.toString());
        assertThat(l.truncated()).isFalse();
        assertThat(l.entries()).extracting(DirEntry::name).containsExactly("a-dir", "b.txt", "c-link", "d-fifo");
        assertThat(l.entries()).extracting(DirEntry::type)
                .containsExactly(FileType.DIRECTORY, FileType.FILE, FileType.SYMLINK, FileType.FIFO);
        assertThat(l.entries().get(1).size()).isEqualTo(2);
        assertThat(l.entries().get(2).linkTarget()).isEqualTo("/nowhere");
        assertThat(conn.files().list(d.toString(), 2, Duration.ofSeconds(5)))
                .satisfies(x -> assertThat(x.entries()).hasSize(2))
                .satisfies(x -> assertThat(x.truncated()).isTrue());
        assertCode(() -> conn.files().list(p("list/b.txt")), "ENOTDIR", "list '" + p("list/b.txt") + "': Not a directory");
        assertCode(() -> conn.files().list(p("nope")), "ENOENT", "list '" + p("nope") + "': No such file or directory");
    }

    @Test
    void nonUtf8NamesComeWithExactBytes() throws Exception {
        Path d = Files.createDirectories(root.resolve("raw"));
        // create a file whose name has the byte 0xff, through the agent's own shell
        Proc.sh(conn, "cd '" + d + "' && touch \"$(printf 'bad\\377name')\"");
        DirEntry e = conn.files().list(d.toString()).entries().getFirst();
        assertThat(e.nameIsUtf8()).isFalse();
        assertThat(e.name()).isEqualTo("bad\uFFFDname");
        assertThat(e.rawName()).containsExactly('b', 'a', 'd', 0xff, 'n', 'a', 'm', 'e');
    }

    @Test
    void readHonoursOffsetMaxBytesAndEof() throws Exception {
        byte[] data = new byte[200_000];
        new Random(3).nextBytes(data);
        Path f = Files.write(root.resolve("read.bin"), data);
        ReadResult head = conn.files().read(f.toString(), 0, 1000);
        assertThat(head.data()).isEqualTo(java.util.Arrays.copyOf(data, 1000));
        assertThat(head.eof()).isFalse();
        assertThat(head.size()).isEqualTo(200_000);
        ReadResult tail = conn.files().read(f.toString(), 199_990, 100);
        assertThat(tail.data()).isEqualTo(java.util.Arrays.copyOfRange(data, 199_990, 200_000));
        assertThat(tail.eof()).isTrue();
        ReadResult past = conn.files().read(f.toString(), 500_000, 10);
        assertThat(past.data()).isEmpty();
        assertThat(past.eof()).isTrue();
        assertThat(conn.files().readAll(f.toString(), 1 << 20, Duration.ofSeconds(5))).isEqualTo(data);
        assertCode(() -> conn.files().readAll(f.toString(), 1000, Duration.ofSeconds(5)), "too_large",
                "file '" + f + "' exceeds 1000 bytes");
        ReadResult empty = conn.files().read(Files.writeString(root.resolve("empty"), "").toString(), 0, 10);
        assertThat(empty.data()).isEmpty();
        assertThat(empty.eof()).isTrue();
    }

    @Test
    void readRefusesDirectoriesAndSpecialFilesWithoutBlocking() throws Exception {
        Path fifo = root.resolve("read-fifo");
        Runtime.getRuntime().exec(new String[] {"mkfifo", fifo.toString()}).waitFor();
        assertCode(() -> conn.files().read(root.toString(), 0, 10), "EISDIR", "read '" + root + "': Is a directory");
        long t0 = System.nanoTime();
        assertCode(() -> conn.files().read(fifo.toString(), 0, 10), "not_regular_file",
                "read '" + fifo + "': not a regular file (fifo)");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
        assertCode(() -> conn.files().read(p("missing"), 0, 10), "ENOENT", "read '" + p("missing") + "': No such file or directory");
        Files.createSymbolicLink(root.resolve("read-link"), root.resolve("read.bin.none"));
        assertThatThrownBy(() -> conn.files().read(p("read-link"), 0, 10, true, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo("ELOOP"));
    }

    @Test
    void writeCreatesTruncatesAppendsAndSetsMode() throws Exception {
        String f = p("write/a.txt");
        assertCode(() -> conn.files().write(f, "x".getBytes()), "ENOENT", "write '" + f + "': No such file or directory");
        WriteResult r = conn.files().write(f, "hello".getBytes(), WriteOptions.defaults().withParents(true), Duration.ofSeconds(5));
        assertThat(r.bytesWritten()).isEqualTo(5);
        assertThat(r.size()).isEqualTo(5);
        assertThat(Files.readString(Path.of(f))).isEqualTo("hello");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(f)))).isEqualTo("rw-r--r--");
        conn.files().write(f, "HI".getBytes(), WriteOptions.defaults().withTruncate(false), Duration.ofSeconds(5));
        assertThat(Files.readString(Path.of(f))).isEqualTo("HIllo");
        conn.files().write(f, "!!".getBytes(), WriteOptions.defaults().withAppend(true), Duration.ofSeconds(5));
        assertThat(Files.readString(Path.of(f))).isEqualTo("HIllo!!");
        conn.files().write(f, "_".getBytes(), WriteOptions.defaults().withOffset(1L), Duration.ofSeconds(5));
        assertThat(Files.readString(Path.of(f))).isEqualTo("H_llo!!");
        conn.files().write(f, "new".getBytes(), WriteOptions.defaults().withMode(0700).withMtimeNs(1_000_000_000_000_000_005L),
                Duration.ofSeconds(5));
        assertThat(Files.readString(Path.of(f))).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(f)))).isEqualTo("rwx------");
        assertThat(conn.files().stat(f).mtimeNs()).isEqualTo(1_000_000_000_000_000_005L);
        assertCode(() -> conn.files().write(f, "x".getBytes(), WriteOptions.defaults().withExclusive(true), Duration.ofSeconds(5)),
                "EEXIST", "write '" + f + "': File exists");
        assertCode(() -> conn.files().write(p("write"), "x".getBytes()), "EISDIR", "write '" + p("write") + "': Is a directory");
        assertCode(() -> conn.files().write(f, "x".getBytes(), WriteOptions.defaults().withAppend(true).withOffset(3L),
                Duration.ofSeconds(5)), "bad_request", "conflicting options: append, offset, atomic and exclusive");
        // still usable after errors
        assertThat(conn.files().stat(f).size()).isEqualTo(3);
    }

    @Test
    void atomicWritesReplaceTheTargetAndKeepItsMode() throws Exception {
        Path f = Files.writeString(root.resolve("atomic.txt"), "old content");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx--x---"));
        long inode = (long) Files.getAttribute(f, "unix:ino");
        conn.files().write(f.toString(), "new".getBytes(), WriteOptions.defaults().withAtomic(true), Duration.ofSeconds(5));
        assertThat(Files.readString(f)).isEqualTo("new");
        assertThat((long) Files.getAttribute(f, "unix:ino")).as("replaced by rename").isNotEqualTo(inode);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rwx--x---");
        try (var s = Files.list(root)) {
            assertThat(s.map(x -> x.getFileName().toString())).noneMatch(n -> n.startsWith(".pyro-write-"));
        }
        // a symlink target is replaced by a file, not followed
        Path target = Files.writeString(root.resolve("atomic-target"), "t");
        Path link = Files.createSymbolicLink(root.resolve("atomic-link"), target);
        conn.files().write(link.toString(), "via".getBytes(), WriteOptions.defaults().withAtomic(true), Duration.ofSeconds(5));
        assertThat(Files.isSymbolicLink(link)).isFalse();
        assertThat(Files.readString(target)).isEqualTo("t");
        // nofollow refuses a symlink in place
        Path link2 = Files.createSymbolicLink(root.resolve("nofollow-link"), target);
        assertThatThrownBy(() -> conn.files().write(link2.toString(), "x".getBytes(), WriteOptions.defaults().withNofollow(true),
                Duration.ofSeconds(5))).isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo("ELOOP"));
        assertThat(Files.readString(target)).isEqualTo("t");
    }

    @Test
    void largeWritesStreamAndReadBack() throws Exception {
        byte[] data = new byte[5_000_000];
        new Random(9).nextBytes(data);
        String f = p("big.bin");
        WriteResult r = conn.files().write(f, new ByteArrayInputStream(data), data.length, WriteOptions.defaults(), Duration.ofSeconds(20));
        assertThat(r.bytesWritten()).isEqualTo(data.length);
        assertThat(Files.readAllBytes(Path.of(f))).isEqualTo(data);
        assertThat(conn.files().readAll(f, data.length, Duration.ofSeconds(20))).isEqualTo(data);
        // a short input stream is an error and does not leave the channel hanging
        assertThatThrownBy(() -> conn.files().write(p("short.bin"), new ByteArrayInputStream(new byte[10]), 100,
                WriteOptions.defaults(), Duration.ofSeconds(5))).hasMessageContaining("input ended after 10 of 100 bytes");
        assertThat(conn.ping()).isPositive();
    }

    @Test
    void aFailingWriteIsAnsweredBeforeTheDataIsSent() {
        long total = 500L << 20;
        java.util.concurrent.atomic.AtomicLong consumed = new java.util.concurrent.atomic.AtomicLong();
        java.io.InputStream endless = new java.io.InputStream() {
            @Override
            public int read() {
                consumed.incrementAndGet();
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                consumed.addAndGet(len);
                return len;
            }
        };
        assertThatThrownBy(() -> conn.files().write(p("no/such/dir/f"), endless, total, WriteOptions.defaults(), Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo("ENOENT"));
        assertThat(consumed.get()).as("bytes streamed before the error arrived").isLessThan(total / 10);
        assertThat(conn.ping()).isPositive();
    }

    @Test
    void mkdirDeleteRename() throws Exception {
        assertThat(conn.files().mkdir(p("m/a/b"), 0750, true, false)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("m/a/b")))).isEqualTo("rwxr-x---");
        assertThat(conn.files().mkdir(p("m/a/b"), null, false, true)).isFalse();
        assertCode(() -> conn.files().mkdir(p("m/a/b")), "EEXIST", "mkdir '" + p("m/a/b") + "': File exists");
        assertCode(() -> conn.files().mkdir(p("m/x/y")), "ENOENT", "mkdir '" + p("m/x/y") + "': No such file or directory");
        Files.writeString(root.resolve("m/a/b/f1"), "1");
        Files.writeString(root.resolve("m/a/f2"), "2");
        Files.createSymbolicLink(root.resolve("m/a/outside-link"), tmp);   // must not be followed
        assertCode(() -> conn.files().delete(p("m/a"), false, false), "ENOTEMPTY", "delete '" + p("m/a") + "': Directory not empty");
        conn.files().rename(p("m/a/f2"), p("m/f2-renamed"), true);
        assertThat(Files.readString(root.resolve("m/f2-renamed"))).isEqualTo("2");
        Files.writeString(root.resolve("m/other"), "o");
        assertCode(() -> conn.files().rename(p("m/other"), p("m/f2-renamed"), false), "EEXIST",
                "rename '" + p("m/other") + "' to '" + p("m/f2-renamed") + "': File exists");
        assertThat(conn.files().delete(p("m/a"), true, false)).isEqualTo(4);   // a, a/b, a/b/f1, a/outside-link
        assertThat(Files.exists(root.resolve("m/a"))).isFalse();
        assertThat(Files.isDirectory(tmp)).as("symlinked directory untouched").isTrue();
        assertThat(conn.files().delete(p("m/other"), false, false)).isEqualTo(1);
        assertThat(conn.files().delete(p("m/other"), false, true)).isZero();
        assertCode(() -> conn.files().delete(p("m/other"), false, false), "ENOENT", "delete '" + p("m/other") + "': No such file or directory");
        assertCode(() -> conn.files().delete("/", true, false), "bad_request", "refusing to delete '/'");
    }

    @Test
    void symlinksAndReadlink() throws Exception {
        conn.files().symlink("../some/target", p("sym"), false);
        assertThat(Files.readSymbolicLink(root.resolve("sym")).toString()).isEqualTo("../some/target");
        assertThat(conn.files().readlink(p("sym"))).isEqualTo("../some/target");
        assertCode(() -> conn.files().symlink("x", p("sym"), false), "EEXIST", "symlink '" + p("sym") + "': File exists");
        conn.files().symlink("other", p("sym"), true);
        assertThat(conn.files().readlink(p("sym"))).isEqualTo("other");
        Files.writeString(root.resolve("plain"), "");
        assertCode(() -> conn.files().readlink(p("plain")), "EINVAL", "readlink '" + p("plain") + "': Invalid argument");
        assertThat(Files.exists(root.resolve("sym"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    @Test
    void manyFileOpsInParallel() throws Exception {
        List<Thread> threads = new java.util.ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        for (int t = 0; t < 8; t++) {
            int k = t;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 25; i++) {
                        String f = p("par/" + k + "/" + i);
                        byte[] b = (k + ":" + i).getBytes(StandardCharsets.UTF_8);
                        conn.files().write(f, b, WriteOptions.defaults().withParents(true), Duration.ofSeconds(5));
                        assertThat(conn.files().read(f, 0, 100).data()).isEqualTo(b);
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertThat(errors).isEmpty();
        assertThat(conn.files().list(p("par")).entries()).hasSize(8);
    }
}
