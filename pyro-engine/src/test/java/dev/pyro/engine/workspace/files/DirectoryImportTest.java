package dev.pyro.engine.workspace.files;

import dev.pyro.api.workspace.files.ImportResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pyro.api.PyroException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryImportTest {

    @TempDir
    Path tmp;

    Path seed;
    FakeGuestFs guest = new FakeGuestFs();
    RecordingSink sink = new RecordingSink();

    @BeforeEach
    void seedDirectory() throws IOException {
        seed = Files.createDirectories(tmp.resolve("project"));
        Files.createDirectories(seed.resolve("src/pkg"));
        Files.writeString(seed.resolve("src/pkg/mod.py"), "x = 1\n");
        Files.writeString(seed.resolve("b.txt"), "bee");
        Files.writeString(seed.resolve("a.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(seed.resolve("a.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(seed.resolve("link-to-mod"), Path.of("src/pkg/mod.py"));
        Files.createSymbolicLink(seed.resolve("src/up-and-back"), Path.of("../b.txt"));
    }

    ImportResult importSeed() {
        ImportSource src = ImportSources.open("seed_path", seed.toString(), TransferLimits.DEFAULT);
        ImportPlan plan = src.inspect();
        return new TreeImport(guest).writeTo(sink, src, plan, WorkspacePath.ROOT);
    }

    void assertRefused(String message) {
        assertThatThrownBy(this::importSeed).isInstanceOf(PyroException.class).hasMessage(message);
        assertThat(sink.events).isEmpty();
        assertThat(sink.finished).isFalse();
    }

    @Test
    void walksSortedParentsFirstKeepingLinksAsLinks() throws Exception {
        ImportResult result = importSeed();
        assertThat(sink.events).containsExactly(
                "file /workspace/a.sh 750 #!/bin/sh\n",
                "file /workspace/b.txt 644 bee",
                "symlink /workspace/link-to-mod -> src/pkg/mod.py",
                "dir /workspace/src 755",
                "dir /workspace/src/pkg 755",
                "file /workspace/src/pkg/mod.py 644 x = 1\n",
                "symlink /workspace/src/up-and-back -> ../b.txt");
        assertThat(result).isEqualTo(new ImportResult("directory", seed.toRealPath().toString(), "/workspace", 7, 10 + 3 + 6));
    }

    @Test
    void keepsModificationTimes() throws Exception {
        Instant when = Instant.parse("2023-03-04T05:06:07.123456789Z");
        Files.setLastModifiedTime(seed.resolve("b.txt"), FileTime.from(when));
        ImportPlan plan = ImportSources.open("seed_path", seed.toString(), TransferLimits.DEFAULT).inspect();
        ImportEntry b = plan.entries().stream().filter(e -> e.path().equals("b.txt")).findFirst().orElseThrow();
        // the file system may keep less than nanoseconds; microseconds it does keep
        assertThat(b.mtimeNs() / 1000).isEqualTo(when.getEpochSecond() * 1_000_000 + 123456);
    }

    @Test
    void refusesALinkPointingOutsideTheSeed() throws Exception {
        Files.createSymbolicLink(seed.resolve("zz-passwd"), Path.of("/etc/passwd"));
        assertRefused("symlink zz-passwd escapes the workspace");
    }

    @Test
    void refusesARelativeLinkClimbingOutOfTheSeed() throws Exception {
        Files.writeString(tmp.resolve("secret.txt"), "outside");
        Files.createSymbolicLink(seed.resolve("src/pkg/secret"), Path.of("../../../secret.txt"));
        assertRefused("symlink src/pkg/secret escapes the workspace");
    }

    @Test
    void doesNotFollowALinkedDirectoryOutOfTheSeed() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("private.key"), "secret");
        Files.createSymbolicLink(seed.resolve("zz-dir"), outside);
        assertRefused("symlink zz-dir escapes the workspace");
    }

    @Test
    void skipsSocketsAndRefusesFifos() throws Exception {
        Path socket = seed.resolve("service.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            importSeed();
            assertThat(sink.events).noneMatch(e -> e.contains("service.sock")).hasSize(7);
        }
        Files.deleteIfExists(socket);
        sink = new RecordingSink();
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", seed.resolve("src/pipe").toString()).start();
        } catch (IOException e) {
            assumeTrue(false, "mkfifo is not available");
            return;
        }
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo failed");
        assertRefused("unsupported archive member type: src/pipe");
    }

    @Test
    void dropsSetuidBits() throws Exception {
        Path suid = seed.resolve("a.sh");
        Files.setAttribute(suid, "unix:mode", 04755);
        importSeed();
        assertThat(sink.events).contains("file /workspace/a.sh 755 #!/bin/sh\n");
    }

    @Test
    void refusesTooManyEntriesAndBytes() {
        ImportSource few = ImportSources.open("seed_path", seed.toString(), new TransferLimits(3, 1 << 20));
        assertThatThrownBy(few::inspect).hasMessage("seed_path has too many entries: more than 3");
        ImportSource small = ImportSources.open("seed_path", seed.toString(), new TransferLimits(100, 12));
        assertThatThrownBy(small::inspect).hasMessage("seed_path is too large: more than 12 bytes once unpacked");
    }

    @Test
    void refusesAFileThatShrankBetweenInspectAndWrite() throws Exception {
        ImportSource src = ImportSources.open("source_path", seed.toString(), TransferLimits.DEFAULT);
        ImportPlan plan = src.inspect();
        Files.writeString(seed.resolve("b.txt"), "b");
        assertThatThrownBy(() -> new TreeImport(guest).writeTo(sink, src, plan, WorkspacePath.ROOT))
                .hasMessage("source_path changed while it was being imported, at b.txt; import it again");
        assertThat(sink.events).containsExactly("file /workspace/a.sh 750 #!/bin/sh\n");
    }

    @Test
    void refusesAFileSwappedForALinkBetweenInspectAndWrite() throws Exception {
        ImportSource src = ImportSources.open("source_path", seed.toString(), TransferLimits.DEFAULT);
        ImportPlan plan = src.inspect();
        Files.delete(seed.resolve("a.sh"));
        Files.createSymbolicLink(seed.resolve("a.sh"), Path.of("/etc/passwd"));
        assertThatThrownBy(() -> new TreeImport(guest).writeTo(sink, src, plan, WorkspacePath.ROOT))
                .hasMessage("source_path changed while it was being imported, at a.sh; import it again");
        assertThat(sink.events).isEmpty();
    }

    // ------------------------------------------------------------------ issue 17 A.4: parents swapped mid-copy

    static final String SECRET = "TOP-SECRET-0123456789\n";

    /**
     * {@code outside/} holds secrets; {@code race/sub/} a decoy with the same names, lengths, modes
     * and mtimes (all an attacker needs is {@code stat}, as for {@code /etc/shadow}), so a walk
     * that resolves {@code race/sub/...} by path cannot tell which one it reached.
     */
    Path raceTree() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path race = Files.createDirectories(tmp.resolve("race"));
        Files.write(race.resolve("a-big.bin"), new byte[1 << 20]); // read before sub, widening the window
        Path sub = Files.createDirectories(race.resolve("sub"));
        FileTime mtime = FileTime.from(Instant.parse("2024-01-02T03:04:05Z"));
        for (int i = 0; i < 300; i++) {
            String name = i == 0 ? "secret.txt" : String.format("f%03d", i);
            Files.writeString(outside.resolve(name), SECRET);
            Files.writeString(sub.resolve(name), "x".repeat(SECRET.length() - 1) + "\n");
            Files.setLastModifiedTime(outside.resolve(name), mtime);
            Files.setLastModifiedTime(sub.resolve(name), mtime);
        }
        return race;
    }

    /** Replaces {@code race/sub} by a symlink to {@code outside} (parking the real one beside it). */
    void swapSubForLink(Path race) throws IOException {
        Files.move(race.resolve("sub"), tmp.resolve("sub-parked"));
        Files.createSymbolicLink(race.resolve("sub"), tmp.resolve("outside"));
    }

    void restoreSub(Path race) throws IOException {
        Files.delete(race.resolve("sub"));
        Files.move(tmp.resolve("sub-parked"), race.resolve("sub"));
    }

    @Test
    void aDirectorySwappedForALinkBetweenStatAndOpenIsNotEntered() throws Exception {
        Path race = raceTree();
        DirectorySource src = new DirectorySource(race.toRealPath(), "seed_path", TransferLimits.DEFAULT);
        src.beforeOpen(rel -> {
            if (rel.equals("sub")) uncheck(() -> swapSubForLink(race));
        });
        assertThatThrownBy(src::inspect).isInstanceOf(PyroException.class)
                .hasMessage("seed_path changed while it was being imported, at sub; import it again");
    }

    @Test
    void aDirectorySwappedForALinkBeforeTheCopyIsNotEntered() throws Exception {
        Path race = raceTree();
        DirectorySource src = new DirectorySource(race.toRealPath(), "source_path", TransferLimits.DEFAULT);
        ImportPlan plan = src.inspect();
        // the swap lands while the big sibling is being copied, after the plan was made
        src.beforeOpen(rel -> {
            if (rel.equals("a-big.bin")) uncheck(() -> swapSubForLink(race));
        });
        assertThatThrownBy(() -> new TreeImport(guest).writeTo(sink, src, plan, WorkspacePath.ROOT))
                .isInstanceOf(PyroException.class)
                .hasMessage("source_path changed while it was being imported, at sub; import it again");
        assertThat(sink.events).noneMatch(e -> e.contains("TOP-SECRET"));
    }

    /** The same race for real: a thread swaps sub back and forth while imports run; the secret never comes through. */
    @Test
    void aRacingSwapNeverCopiesWhatIsOutside() throws Exception {
        Path race = raceTree();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread swapper = new Thread(() -> {
            while (!stop.get()) {
                try {
                    swapSubForLink(race);
                    Thread.onSpinWait();
                    restoreSub(race);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        swapper.start();
        int imported = 0;
        int refused = 0;
        try {
            long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(4);
            while (System.nanoTime() < end) {
                RecordingSink attempt = new RecordingSink();
                try {
                    ImportSource src = ImportSources.open("seed_path", race.toString(), TransferLimits.DEFAULT);
                    ImportPlan plan = src.inspect();
                    new TreeImport(new FakeGuestFs()).writeTo(attempt, src, plan, WorkspacePath.ROOT);
                    imported++;
                } catch (PyroException e) {
                    assertThat(e.getMessage()).doesNotContain("TOP-SECRET");
                    refused++;
                }
                assertThat(attempt.events.stream().filter(e -> e.contains("TOP-SECRET"))
                        .map(e -> e.substring(0, e.indexOf(' ', 5))).toList()).as("files copied from outside").isEmpty();
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        assertThat(imported + refused).isGreaterThan(5);
    }

    interface IoAction {
        void run() throws IOException;
    }

    static void uncheck(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void followsTheSeedPathItselfWhenItIsALink() throws Exception {
        Path alias = Files.createSymbolicLink(tmp.resolve("alias"), seed);
        ImportSource src = ImportSources.open("seed_path", alias.toString(), TransferLimits.DEFAULT);
        assertThat(src.mode()).isEqualTo("directory");
        assertThat(src.path()).isEqualTo(seed.toRealPath());
    }
}
