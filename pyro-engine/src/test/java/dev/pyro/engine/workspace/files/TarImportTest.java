package dev.pyro.engine.workspace.files;

import dev.pyro.api.workspace.files.ImportResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TarImportTest {

    @TempDir
    Path tmp;

    FakeGuestFs guest = new FakeGuestFs();
    RecordingSink sink = new RecordingSink();

    /** The engine's path: open, inspect everything, check the guest, then write. */
    ImportResult importInto(Path source, String destination, TransferLimits limits) {
        ImportSource src = ImportSources.open("seed_path", source.toString(), limits);
        ImportPlan plan = src.inspect();
        return new TreeImport(guest).writeTo(sink, src, plan, WorkspacePath.normalize(destination, "dest"));
    }

    ImportResult importInto(Path source) {
        return importInto(source, "/workspace", TransferLimits.DEFAULT);
    }

    /** A refused import must not have written anything, even entries before the bad one. */
    void assertRefused(byte[] archive, String message) {
        Path file = Tars.write(tmp, "bad.tar", archive);
        assertThatThrownBy(() -> importInto(file))
                .isInstanceOf(PyroException.class)
                .hasMessage(message);
        assertThat(sink.events).isEmpty();
        assertThat(sink.finished).isFalse();
    }

    /** Good entries first, so a streaming implementation would already have written them. */
    static Tars goodStart() {
        return Tars.create().dir("src").file("src/ok.txt", "fine");
    }

    static byte[] sample() {
        return Tars.create()
                .dir("./")
                .dir("./src")
                .file("./src/main.py", "print('hi')\n", 04755)
                .file("README.md", "# readme\n")
                .symlink("src/current", "main.py")
                .symlink("docs-link", "src/../README.md")
                .build();
    }

    @Test
    void importsAValidArchiveInOrderWithCounts() throws Exception {
        Path file = Tars.write(tmp, "seed.tar", sample());
        ImportResult result = importInto(file, "dest", TransferLimits.DEFAULT);

        assertThat(sink.events).containsExactly(
                "dir /workspace/dest/src 755",
                "file /workspace/dest/src/main.py 755 print('hi')\n", // setuid dropped
                "file /workspace/dest/README.md 644 # readme\n",
                "symlink /workspace/dest/src/current -> main.py",
                "symlink /workspace/dest/docs-link -> src/../README.md");
        assertThat(sink.finished).isTrue();
        assertThat(result).isEqualTo(new ImportResult("tar_archive", file.toRealPath().toString(), "/workspace/dest",
                5, 12 + 9));
    }

    @Test
    void planCarriesModesTimesAndSizes() {
        ImportPlan plan = ImportSources.open("seed_path", Tars.write(tmp, "s.tar", sample()).toString(),
                TransferLimits.DEFAULT).inspect();
        assertThat(plan.entries().get(1)).isEqualTo(ImportEntry.file("src/main.py", 0755,
                Tars.MTIME.getEpochSecond() * 1_000_000_000L, 12));
        assertThat(plan.entryCount()).isEqualTo(5);
        assertThat(plan.bytesWritten()).isEqualTo(21);
        assertThat(plan.mode()).isEqualTo("tar_archive");
    }

    @ParameterizedTest
    @EnumSource(ArchiveFormat.class)
    void detectsTheEncodingByContentNotName(ArchiveFormat format) {
        byte[] tar = sample();
        byte[] encoded = switch (format) {
            case TAR -> tar;
            case GZIP -> Tars.gzip(tar);
            case ZSTD -> Tars.zstd(tar);
        };
        // a misleading name on purpose
        Path file = Tars.write(tmp, "seed.zip", encoded);
        ImportSource src = ImportSources.open("seed_path", file.toString(), TransferLimits.DEFAULT);
        assertThat(((TarSource) src).format()).isEqualTo(format);
        importInto(file);
        assertThat(sink.events).hasSize(5).contains("file /workspace/README.md 644 # readme\n");
    }

    /** Made by the real zstd command (v1.5.4) from a GNU tar: not by the library that reads it. */
    static final String ZSTD_CLI_FIXTURE = "KLUv/WQAJ40EANIGFheAqw7AV+uC8cEyXCYk7CYxQiGOzeLoKSmvzLvWkeR4B1rCIIxFtl6edEanQ6RrDGqelRrQsKu66SC+54x3jIrqFdYLc86vpAnpeVcttcuLrmdeemEpYgsVIDAtLizs/a8HqVYBKGWDTBwGVKodRx1g1N3h9jiYG9AWSIYCsM0wNoDwB1ODARLENMB2KnC+XJu/";

    @Test
    void readsAnArchiveFromTheZstdCommand() {
        Path file = Tars.write(tmp, "seed.tar.zst", Base64.getDecoder().decode(ZSTD_CLI_FIXTURE));
        ImportResult result = importInto(file);
        assertThat(sink.events).containsExactly(
                "dir /workspace/docs 755",
                "file /workspace/docs/hello.txt 644 made by the zstd command\n",
                "symlink /workspace/link -> docs/hello.txt");
        assertThat(result.entryCount()).isEqualTo(3);
        assertThat(result.bytesWritten()).isEqualTo(25);
    }

    @Test
    void readsConcatenatedGzipMembers() {
        byte[] tar = sample();
        int cut = 1024; // inside the archive, on a block boundary
        byte[] twoMembers = Tars.concat(Tars.gzip(java.util.Arrays.copyOfRange(tar, 0, cut)),
                Tars.gzip(java.util.Arrays.copyOfRange(tar, cut, tar.length)));
        importInto(Tars.write(tmp, "pigz.tgz", twoMembers));
        assertThat(sink.events).hasSize(5);
    }

    @Test
    void acceptsGitArchiveStyleGlobalHeaders() {
        byte[] tar = Tars.create().globalPaxHeader("comment", "0123456789abcdef").dir("repo").file("repo/a", "A").build();
        importInto(Tars.write(tmp, "git.tar", tar));
        assertThat(sink.events).containsExactly("dir /workspace/repo 755", "file /workspace/repo/a 644 A");
    }

    @Test
    void importsAnEmptyArchive() {
        ImportResult result = importInto(Tars.write(tmp, "empty.tar", Tars.create().build()));
        assertThat(result.entryCount()).isZero();
        assertThat(sink.events).isEmpty();
        assertThat(sink.finished).isTrue();
    }

    @Test
    void refusesAbsoluteNames() {
        assertRefused(goodStart().file("/etc/cron.d/evil", "x").build(),
                "absolute archive member paths are not allowed: /etc/cron.d/evil");
    }

    @Test
    void refusesDotDotAnywhere() {
        assertRefused(goodStart().file("../escape.txt", "x").build(), "unsafe archive member path: ../escape.txt");
        sink.events.clear();
        assertRefused(goodStart().file("src/../../x", "x").build(), "unsafe archive member path: src/../../x");
        sink.events.clear();
        // even one that would land inside: the spec refuses the segment, not the result
        assertRefused(goodStart().file("src/../src/ok2.txt", "x").build(), "unsafe archive member path: src/../src/ok2.txt");
    }

    @Test
    void refusesNamesThatAreTheDestinationItself() {
        assertRefused(goodStart().symlink("./", "src").build(), "unsafe archive member path: ./");
        sink.events.clear();
        assertRefused(goodStart().file(" ", "x").build(), "archive member path is empty");
    }

    @Test
    void refusesSymlinkToEtcThenAFileWrittenThroughIt() {
        assertRefused(goodStart().symlink("etc", "/etc").file("etc/passwd", "root::0:0::/:/bin/sh\n").build(),
                "symlink etc escapes the workspace");
    }

    @Test
    void refusesWritingThroughAnInsideSymlink() {
        assertRefused(goodStart().symlink("link", "src").file("link/passwd", "x").build(),
                "archive member would traverse through a symlinked path: link/passwd");
    }

    @Test
    void refusesRelativeSymlinkEscapes() {
        assertRefused(goodStart().symlink("src/up", "../..").build(), "symlink src/up escapes the workspace");
        sink.events.clear();
        assertRefused(goodStart().symlink("empty", "").build(), "symlink empty has an empty target");
    }

    @Test
    void refusesASymlinkThatEscapesOnlyThroughAnotherSymlink() {
        // lexically "dot/dot/../.." is "." — but dot -> . so it climbs two levels above the destination
        assertRefused(goodStart().symlink("dot", ".").symlink("sneaky", "dot/dot/../..").build(),
                "symlink sneaky escapes the workspace");
    }

    @Test
    void refusesHardLinks() {
        assertRefused(goodStart().hardLink("src/shadow", "/etc/shadow").build(),
                "hard links are not allowed in workspace archives: src/shadow");
    }

    @Test
    void refusesDevicesAndFifos() {
        assertRefused(goodStart().special("dev/sda", TarConstants.LF_BLK).build(), "unsupported archive member type: dev/sda");
        sink.events.clear();
        assertRefused(goodStart().special("tty", TarConstants.LF_CHR).build(), "unsupported archive member type: tty");
        sink.events.clear();
        assertRefused(goodStart().special("pipe", TarConstants.LF_FIFO).build(), "unsupported archive member type: pipe");
    }

    @Test
    void refusesConflictingDuplicates() {
        assertRefused(goodStart().file("x", "1").dir("x").build(), "directory conflicts with existing path: x");
        sink.events.clear();
        assertRefused(goodStart().file("src", "not a dir").build(), "file conflicts with existing path: src");
        sink.events.clear();
        assertRefused(goodStart().file("./y", "1").symlink("y", "src").build(), "symlink conflicts with existing path: y");
        sink.events.clear();
        assertRefused(goodStart().symlink("z", "src").file("z", "over the link").build(), "file conflicts with existing path: z");
        sink.events.clear();
        assertRefused(goodStart().file("f", "1").file("f/g", "2").build(), "archive member would traverse through a file: f/g");
        sink.events.clear();
        // a directory implied by a deeper member counts as existing too
        assertRefused(goodStart().file("d/e", "1").symlink("d", "src").build(), "symlink conflicts with existing path: d");
    }

    @Test
    void acceptsHarmlessDuplicatesLaterWins() {
        byte[] tar = Tars.create().dir("d").dir("d/").file("f", "old").file("./f", "new").symlink("l", "d").symlink("l", "f")
                .build();
        ImportResult result = importInto(Tars.write(tmp, "dups.tar", tar));
        assertThat(sink.events).containsExactly("dir /workspace/d 755", "dir /workspace/d 755", "file /workspace/f 644 old",
                "file /workspace/f 644 new", "symlink /workspace/l -> d", "symlink /workspace/l -> f");
        assertThat(result.entryCount()).isEqualTo(6);
        assertThat(result.bytesWritten()).isEqualTo(6);
    }

    @Test
    void refusesTooManyEntries() {
        Tars tars = Tars.create();
        for (int i = 0; i < 11; i++) tars.file("f" + i, "x");
        Path file = Tars.write(tmp, "many.tar", tars.build());
        assertThatThrownBy(() -> importInto(file, "/workspace", new TransferLimits(10, 1 << 20)))
                .hasMessage("seed_path has too many entries: more than 10");
        assertThat(sink.events).isEmpty();
    }

    @Test
    void refusesTooManyBytes() {
        Path file = Tars.write(tmp, "big.tar", goodStart().file("a", "x".repeat(600)).file("b", "y".repeat(600)).build());
        assertThatThrownBy(() -> importInto(file, "/workspace", new TransferLimits(100, 1024)))
                .hasMessage("seed_path is too large: more than 1024 bytes once unpacked");
        assertThat(sink.events).isEmpty();
    }

    @Test
    void refusesADeclaredTwoGibFileAtItsHeader() {
        // the header claims 2 GiB and no data follows: refused on the claim, before any data is read
        byte[] bomb = Tars.concat(Tars.header("src/ok.txt", 4), "fine".getBytes(), new byte[508],
                Tars.header("bomb.bin", 2L << 30));
        Path file = Tars.write(tmp, "bomb.tar.gz", Tars.gzip(bomb));
        assertThat(file.toFile().length()).isLessThan(2048);
        assertThatThrownBy(() -> importInto(file))
                .hasMessage("seed_path is too large: more than 1 GiB (1073741824 bytes) once unpacked");
        assertThat(sink.events).isEmpty();
    }

    @Test
    void refusesARealGzipBombQuickly() throws Exception {
        byte[] bomb = GzipBombs.twoGibOfZeros("bomb.bin");
        Path file = Tars.write(tmp, "bomb.tgz", bomb);
        assertThat(Files.size(file)).isLessThan(4L << 20); // a few MiB on disk, 2 GiB unpacked
        long start = System.nanoTime();
        assertThatThrownBy(() -> importInto(file)).hasMessageContaining("seed_path is too large");
        // refused at the header: inflating the 2 GiB would take many seconds
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3000);
        assertThat(sink.events).isEmpty();
    }

    @Test
    void stopsAnOversizedPaxHeaderWithinTheHeaderBudget() {
        // a pax record of 8 MiB (it could as well claim 8 GiB): commons-compress would buffer it whole;
        // the budget stops the read at 1 MiB
        byte[] paxHeader = Tars.header("PaxHeaders/x", 8L << 20);
        paxHeader[156] = TarConstants.LF_PAX_EXTENDED_HEADER_LC;
        fixChecksum(paxHeader);
        byte[] record = ("8388608 comment=").getBytes();
        byte[] tar = Tars.concat(paxHeader, record, new byte[(8 << 20) - record.length]);
        Path file = Tars.write(tmp, "pax.tgz", Tars.gzip(tar));
        assertThatThrownBy(() -> importInto(file))
                .hasMessage("seed_path is not a valid tar archive: a header is larger than 1048576 bytes");
    }

    @Test
    void refusesCorruptAndTruncatedArchives() {
        byte[] gz = Tars.gzip(sample());
        Path truncated = Tars.write(tmp, "cut.tgz", java.util.Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> importInto(truncated)).hasMessageStartingWith("seed_path is not a valid tar archive: ");
        assertThat(sink.events).isEmpty();
        Path notTarInside = Tars.write(tmp, "text.gz", Tars.gzip("just some text, not a tar".repeat(40).getBytes()));
        assertThatThrownBy(() -> importInto(notTarInside)).hasMessageStartingWith("seed_path is not a valid tar archive: ");
    }

    @Test
    void refusesWhatIsNotAnArchive() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.tar"), "hello, not an archive");
        assertThatThrownBy(() -> ImportSources.open("seed_path", text.toString(), TransferLimits.DEFAULT))
                .hasMessage("seed_path must be a directory or a .tar/.tar.gz/.tgz archive");
        Path bzip2 = Files.write(tmp.resolve("seed.tar.bz2"), new byte[] {'B', 'Z', 'h', '9', 1, 2, 3});
        assertThatThrownBy(() -> ImportSources.open("source_path", bzip2.toString(), TransferLimits.DEFAULT))
                .hasMessage("source_path must be a directory or a .tar/.tar.gz/.tgz archive");
        assertThatThrownBy(() -> ImportSources.open("seed_path", tmp.resolve("nope").toString(), TransferLimits.DEFAULT))
                .hasMessage("seed_path " + tmp.resolve("nope") + " does not exist");
        assertThatThrownBy(() -> ImportSources.open("source_path", "  ", TransferLimits.DEFAULT))
                .hasMessage("source_path is required");
    }

    /** Issue 17 A.9: a shadow-like file named as a seed was parsed as tar and its bytes quoted. */
    @Test
    void neverQuotesTheBytesOfWhatIsNotAnArchive() throws Exception {
        String secret = "root:$6$SECRETSALT$SECRETHASHSECRETHASH:19000:0:99999:7:::\n";
        Path shadow = Files.writeString(tmp.resolve("shadow"), secret.repeat(20));
        assertThatThrownBy(() -> ImportSources.open("seed_path", shadow.toString(), TransferLimits.DEFAULT))
                .isInstanceOf(PyroException.class)
                .hasMessage("seed_path must be a directory or a .tar/.tar.gz/.tgz archive");
        // a valid first member followed by a header of secret text: the reader fails on it, quoting nothing
        byte[] good = Tars.create().file("ok.txt", "fine").build();
        byte[] tar = Tars.concat(java.util.Arrays.copyOf(good, 1024), secret.repeat(20).getBytes(), new byte[1024]);
        Path file = Tars.write(tmp, "bad-header.tar", tar);
        assertThatThrownBy(() -> importInto(file))
                .isInstanceOf(PyroException.class)
                .hasMessageStartingWith("seed_path is not a valid tar archive: ")
                .message().doesNotContain("SECRET").doesNotContain("root:");
        Path gz = Tars.write(tmp, "bad-header.tgz", Tars.gzip(tar));
        assertThatThrownBy(() -> importInto(gz))
                .isInstanceOf(PyroException.class)
                .message().doesNotContain("SECRET").doesNotContain("root:");
    }

    @Test
    void refusesAnArchiveThatChangedBetweenInspectAndWrite() throws Exception {
        Path file = Tars.write(tmp, "seed.tar", sample());
        ImportSource src = ImportSources.open("source_path", file.toString(), TransferLimits.DEFAULT);
        ImportPlan plan = src.inspect();
        Files.write(file, Tars.create().dir("src").symlink("etc", "/etc").file("etc/passwd", "x").build());
        assertThatThrownBy(() -> new TreeImport(guest).writeTo(sink, src, plan, WorkspacePath.ROOT))
                .isInstanceOf(PyroException.class)
                .hasMessage("source_path changed while it was being imported, at etc; import it again")
                .extracting(e -> ((PyroException) e).kind()).isEqualTo(PyroException.Kind.RUNTIME);
        // only the entry identical to the inspected one went out: nothing unvalidated is ever written
        assertThat(sink.events).containsExactly("dir /workspace/src 755");
        assertThat(sink.finished).isFalse();
    }

    @Test
    void planArchiveRoundTripsToTheSamePlan() throws Exception {
        ImportSource src = ImportSources.open("seed_path", Tars.write(tmp, "s.tgz", Tars.gzip(sample())).toString(),
                TransferLimits.DEFAULT);
        ImportPlan plan = src.inspect();
        ByteArrayOutputStream baseline = new ByteArrayOutputStream();
        PlanArchive.write(src, plan, baseline);
        ImportPlan again = ImportSources.open("seed_path", Tars.write(tmp, "baseline.tar", baseline.toByteArray()).toString(),
                TransferLimits.DEFAULT).inspect();
        assertThat(again.entries()).isEqualTo(plan.entries());
        assertThat(again.bytesWritten()).isEqualTo(plan.bytesWritten());
    }

    static void fixChecksum(byte[] header) {
        java.util.Arrays.fill(header, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : header) sum += b & 0xff;
        byte[] octal = String.format("%06o\0 ", sum).getBytes();
        System.arraycopy(octal, 0, header, 148, 8);
    }
}
