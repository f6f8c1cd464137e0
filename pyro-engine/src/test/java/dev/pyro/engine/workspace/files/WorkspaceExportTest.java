package dev.pyro.engine.workspace.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.protocol.FileType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceExportTest {

    @TempDir
    Path tmp;

    FakeGuestFs guest = new FakeGuestFs()
            .dir("/workspace/app")
            .file("/workspace/app/main.py", "print('hi')\n", 0755)
            .dir("/workspace/app/lib", 0700)
            .file("/workspace/app/lib/util.py", "X = 1\n")
            .symlink("/workspace/app/current", "lib/util.py")
            .symlink("/workspace/app/lib/up", "../main.py")
            .special("/workspace/app/server.sock", FileType.SOCKET)
            .file("/workspace/report.txt", "all good\n");

    WorkspaceExport export = new WorkspaceExport(guest, TransferLimits.DEFAULT);

    @Test
    void exportsADirectoryAsATree() throws Exception {
        Path out = tmp.resolve("out/app-copy");
        ExportResult result = export.export("app", out.toString(), false);

        assertThat(result).isEqualTo(new ExportResult("/workspace/app", out.toString(), "directory", 5, 12 + 6));
        assertThat(Files.readString(out.resolve("main.py"))).isEqualTo("print('hi')\n");
        assertThat(Files.readString(out.resolve("lib/util.py"))).isEqualTo("X = 1\n");
        assertThat(Files.isSymbolicLink(out.resolve("current"))).isTrue();
        assertThat(Files.readSymbolicLink(out.resolve("current"))).isEqualTo(Path.of("lib/util.py"));
        assertThat(Files.readSymbolicLink(out.resolve("lib/up"))).isEqualTo(Path.of("../main.py"));
        assertThat(Files.exists(out.resolve("server.sock"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("main.py")))).isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("lib")))).isEqualTo("rwx------");
        assertThat(Files.getLastModifiedTime(out.resolve("lib")).toMillis()).isEqualTo(FakeGuestFs.MTIME_NS / 1_000_000);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void exportsAFileToAFile() throws Exception {
        Path out = tmp.resolve("report.txt");
        ExportResult result = export.export("/workspace/report.txt", out.toString(), false);
        assertThat(result).isEqualTo(new ExportResult("/workspace/report.txt", out.toString(), "file", 1, 9));
        assertThat(Files.readString(out)).isEqualTo("all good\n");
    }

    @Test
    void exportsASymlinkAsASymlink() throws Exception {
        Path out = tmp.resolve("current");
        ExportResult result = export.export("app/current", out.toString(), false);
        assertThat(result.artifactType()).isEqualTo("symlink");
        assertThat(result.entryCount()).isEqualTo(1);
        assertThat(result.bytesWritten()).isZero();
        assertThat(Files.readSymbolicLink(out)).isEqualTo(Path.of("lib/util.py"));
    }

    @Test
    void exportsATarNamedPathAsADirectoryToo() throws Exception {
        Path out = tmp.resolve("app.tar");
        assertThat(export.export("app", out.toString(), false).artifactType()).isEqualTo("directory");
        assertThat(Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    @Test
    void neverOverwritesWithoutBeingAsked() throws Exception {
        Path existing = Files.writeString(tmp.resolve("keep.txt"), "precious");
        guest.calls.clear();
        assertThatThrownBy(() -> export.export("report.txt", existing.toString(), false))
                .isInstanceOf(PyroException.class)
                .hasMessage("output_path already exists: " + existing);
        assertThat(Files.readString(existing)).isEqualTo("precious");
        assertThat(guest.calls).isEmpty(); // refused before the guest was even asked
        // a dangling link counts as existing: it is not followed
        Path link = Files.createSymbolicLink(tmp.resolve("dangling"), tmp.resolve("nowhere"));
        assertThatThrownBy(() -> export.export("report.txt", link.toString(), false))
                .hasMessage("output_path already exists: " + link);
        assertThat(Files.exists(tmp.resolve("nowhere"))).isFalse();
    }

    @Test
    void overwritesWhenAskedReplacingTheOldTree() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(out.resolve("stale.txt"), "old");
        export.export("app", out.toString(), true);
        assertThat(out.resolve("stale.txt")).doesNotExist();
        assertThat(Files.readString(out.resolve("main.py"))).isEqualTo("print('hi')\n");
    }

    @Test
    void overwritingALinkReplacesTheLinkNotItsTarget() throws Exception {
        Path target = Files.writeString(tmp.resolve("target.txt"), "untouched");
        Path link = Files.createSymbolicLink(tmp.resolve("link.txt"), target);
        export.export("report.txt", link.toString(), true);
        assertThat(Files.readString(target)).isEqualTo("untouched");
        assertThat(Files.isSymbolicLink(link)).isFalse();
        assertThat(Files.readString(link)).isEqualTo("all good\n");
    }

    @Test
    void refusesEscapingSymlinksAndLeavesNothingBehind() {
        guest.symlink("/workspace/app/lib/zz-passwd", "/etc/passwd");
        Path out = tmp.resolve("app");
        assertThatThrownBy(() -> export.export("app", out.toString(), false))
                .hasMessage("symlink lib/zz-passwd escapes the workspace");
        assertThat(out).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void refusesRelativeEscapesIncludingThroughOtherLinks() {
        guest.symlink("/workspace/app/dot", ".").symlink("/workspace/app/sneaky", "dot/dot/../..");
        assertThatThrownBy(() -> export.export("app", tmp.resolve("a").toString(), false))
                .hasMessage("symlink sneaky escapes the workspace");
        // a single exported link may not climb out of where it lands either
        guest.symlink("/workspace/up", "../etc");
        assertThatThrownBy(() -> export.export("up", tmp.resolve("b").toString(), false))
                .hasMessage("symlink up escapes the workspace");
        assertThat(tmp.resolve("a")).doesNotExist();
        assertThat(tmp.resolve("b")).doesNotExist();
    }

    @Test
    void refusesFifosAndDevices() {
        guest.special("/workspace/app/pipe", FileType.FIFO);
        assertThatThrownBy(() -> export.export("app", tmp.resolve("x").toString(), false))
                .hasMessage("unsupported workspace path type: /workspace/app/pipe");
        guest.special("/workspace/dev", FileType.CHAR_DEVICE);
        assertThatThrownBy(() -> export.export("dev", tmp.resolve("y").toString(), false))
                .hasMessage("unsupported workspace path type: /workspace/dev");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void refusesNamesALyingGuestSends() {
        guest.listing("/workspace/app", List.of(new GuestNode("../../evil", FileType.FILE, 4, 0644, 0, null)));
        assertThatThrownBy(() -> export.export("app", tmp.resolve("x/app").toString(), false))
                .hasMessage("the guest listed an unsafe name in /workspace/app: ../../evil")
                .extracting(e -> ((PyroException) e).kind()).isEqualTo(PyroException.Kind.RUNTIME);
        assertThat(tmp.resolve("evil")).doesNotExist();
        GuestNode twice = new GuestNode("a", FileType.DIRECTORY, 0, 0755, 0, null);
        guest.listing("/workspace/app", List.of(twice, twice));
        assertThatThrownBy(() -> export.export("app", tmp.resolve("y").toString(), false))
                .hasMessage("the guest listed /workspace/app/a twice");
    }

    @Test
    void refusesMissingPathsEscapesAndEmptyOutput() {
        assertThatThrownBy(() -> export.export("nope", tmp.resolve("n").toString(), false))
                .hasMessage("workspace path does not exist: /workspace/nope");
        assertThatThrownBy(() -> export.export("../etc", tmp.resolve("n").toString(), false))
                .hasMessage("workspace path must stay inside /workspace");
        assertThatThrownBy(() -> export.export("app", " ", false)).hasMessage("output_path must not be empty");
        guest.symlink("/workspace/etc", "/etc");
        assertThatThrownBy(() -> export.export("etc/passwd", tmp.resolve("p").toString(), false))
                .hasMessage("workspace path would traverse through a symlinked parent: /workspace/etc/passwd");
    }

    @Test
    void boundsEntriesAndBytes() {
        WorkspaceExport few = new WorkspaceExport(guest, new TransferLimits(3, 1 << 20));
        assertThatThrownBy(() -> few.export("app", tmp.resolve("a").toString(), false))
                .hasMessage("workspace path has too many entries to export: more than 3");
        WorkspaceExport small = new WorkspaceExport(guest, new TransferLimits(100, 8));
        assertThatThrownBy(() -> small.export("report.txt", tmp.resolve("b").toString(), false))
                .hasMessage("workspace path is too large to export: more than 8 bytes");
        assertThat(leftovers()).isEmpty();
        assertThat(tmp.resolve("b")).doesNotExist();
    }

    private List<Path> leftovers() {
        try (Stream<Path> all = Files.walk(tmp)) {
            return all.filter(p -> p.getFileName().toString().startsWith(".pyro-export-")).toList();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** Issue 17 A.9: guest modes reached the host as they were (0777 files, setuid bits). */
    @Test
    void hostModesNeverOpenFilesToOthers() throws Exception {
        FakeGuestFs modes = new FakeGuestFs()
                .dir("/workspace/open", 0777)
                .file("/workspace/open/all.sh", "#!/bin/sh\n", 0777)
                .file("/workspace/open/suid", "x", 06777)
                .file("/workspace/open/readonly.txt", "r", 0444)
                .file("/workspace/open/none", "n", 0);
        Path out = tmp.resolve("modes");
        new WorkspaceExport(modes, TransferLimits.DEFAULT).export("open", out.toString(), false);
        assertThat(perms(out)).isEqualTo("rwxr-xr-x");
        assertThat(perms(out.resolve("all.sh"))).isEqualTo("rwxr-xr-x");
        assertThat(perms(out.resolve("suid"))).isEqualTo("rwxr-xr-x");
        assertThat(Files.getAttribute(out.resolve("suid"), "unix:mode")).isEqualTo(0100755);
        assertThat(perms(out.resolve("readonly.txt"))).isEqualTo("rw-r--r--");
        assertThat(perms(out.resolve("none"))).isEqualTo("rw-------");
    }

    /** A snapshot goes through an export into the engine's own dir: it must restore the guest's modes as they were. */
    @Test
    void theEnginesOwnCopiesKeepGuestModes() throws Exception {
        FakeGuestFs modes = new FakeGuestFs()
                .dir("/workspace/shared", 0775)
                .file("/workspace/shared/group.txt", "g", 0664)
                .file("/workspace/shared/readonly.txt", "r", 0444)
                .file("/workspace/shared/suid", "x", 04755);
        Path out = tmp.resolve("snapshot-tree");
        WorkspaceExport.keepingGuestModes(modes, TransferLimits.DEFAULT).export("shared", out.toString(), false);
        assertThat(perms(out)).isEqualTo("rwxrwxr-x");
        assertThat(perms(out.resolve("group.txt"))).isEqualTo("rw-rw-r--");
        assertThat(perms(out.resolve("readonly.txt"))).isEqualTo("r--r--r--");
        assertThat(Files.getAttribute(out.resolve("suid"), "unix:mode")).isEqualTo(0100755);
    }

    static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    /** Issue 17 A.9: an engine killed mid-export left its staging directory; the next export there removes it. */
    @Test
    void aLaterExportRemovesWhatAKilledEngineLeft() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("exports"));
        Path dead = Files.createDirectories(dir.resolve(".pyro-export-2147483646-1700000000000-deadbeef/sub"));
        Files.writeString(dead.resolve("partial.bin"), "partial");
        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().orElseThrow().toEpochMilli();
        Path running = Files.createDirectories(dir.resolve(".pyro-export-" + self.pid() + "-" + start + "-cafebabe"));
        Path reused = Files.createDirectories(dir.resolve(".pyro-export-" + self.pid() + "-" + (start - 5000) + "-0badf00d"));
        Path foreign = Files.createDirectories(dir.resolve(".pyro-export-notours"));
        export.export("report.txt", dir.resolve("report.txt").toString(), false);
        assertThat(dir.resolve(".pyro-export-2147483646-1700000000000-deadbeef")).doesNotExist();
        assertThat(reused).doesNotExist(); // the pid now belongs to a process that started later
        assertThat(running).exists(); // an export in progress in this engine
        assertThat(foreign).exists(); // not a name this engine makes
        assertThat(dir.resolve("report.txt")).hasContent("all good");
    }
}
