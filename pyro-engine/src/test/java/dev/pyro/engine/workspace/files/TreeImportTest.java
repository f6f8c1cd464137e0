package dev.pyro.engine.workspace.files;

import dev.pyro.api.workspace.files.ImportResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest side of an import: what already is in {@code /workspace} is checked before writing. */
class TreeImportTest {

    @TempDir
    Path tmp;

    RecordingSink sink = new RecordingSink();

    ImportResult sync(FakeGuestFs guest, byte[] tar, String dest) {
        ImportSource src = ImportSources.open("source_path", Tars.write(tmp, "sync.tar", tar).toString(),
                TransferLimits.DEFAULT);
        return new TreeImport(guest).writeTo(sink, src, src.inspect(), WorkspacePath.normalize(dest, "dest"));
    }

    void assertRefused(FakeGuestFs guest, byte[] tar, String dest, String message) {
        assertThatThrownBy(() -> sync(guest, tar, dest)).isInstanceOf(PyroException.class).hasMessage(message);
        assertThat(sink.events).isEmpty();
        assertThat(sink.finished).isFalse();
    }

    @Test
    void refusesWritingThroughAnExistingGuestSymlink() {
        FakeGuestFs guest = new FakeGuestFs().symlink("/workspace/etc", "/etc");
        assertRefused(guest, Tars.create().file("ok", "1").file("etc/passwd", "root::0:0").build(), "/workspace",
                "archive member would traverse through a symlinked path: etc/passwd");
    }

    @Test
    void refusesADestinationBehindASymlink() {
        FakeGuestFs guest = new FakeGuestFs().symlink("/workspace/out", "/tmp");
        assertRefused(guest, Tars.create().file("a", "1").build(), "out/sub",
                "workspace destination would traverse through a symlinked parent: /workspace/out/sub");
        assertRefused(guest, Tars.create().file("a", "1").build(), "out",
                "workspace destination would traverse through a symlinked parent: /workspace/out");
        FakeGuestFs fileThere = new FakeGuestFs().file("/workspace/out", "x");
        assertRefused(fileThere, Tars.create().file("a", "1").build(), "out",
                "workspace destination is not a directory: /workspace/out");
    }

    @Test
    void appliesTheOverwriteRulesToExistingPaths() {
        FakeGuestFs guest = new FakeGuestFs().dir("/workspace/d").file("/workspace/f", "old").symlink("/workspace/s", "f");
        assertRefused(guest, Tars.create().file("d", "x").build(), "/workspace", "file conflicts with existing path: d");
        assertRefused(guest, Tars.create().file("s", "x").build(), "/workspace", "file conflicts with existing path: s");
        assertRefused(guest, Tars.create().dir("f").build(), "/workspace", "directory conflicts with existing path: f");
        assertRefused(guest, Tars.create().symlink("d", "f").build(), "/workspace", "symlink conflicts with existing path: d");
        assertRefused(guest, Tars.create().file("f/x", "1").build(), "/workspace",
                "archive member would traverse through a file: f/x");
    }

    @Test
    void overlaysSameTypesLikeTheReference() {
        FakeGuestFs guest = new FakeGuestFs().dir("/workspace/d").file("/workspace/d/f", "old").symlink("/workspace/s", "d");
        ImportResult result = sync(guest, Tars.create().dir("d").file("d/f", "new").file("d/g", "added")
                .symlink("s", "d/g").build(), "/workspace");
        assertThat(sink.events).containsExactly("dir /workspace/d 755", "file /workspace/d/f 644 new",
                "file /workspace/d/g 644 added", "symlink /workspace/s -> d/g");
        assertThat(result).isEqualTo(new ImportResult("tar_archive", tmp.resolve("sync.tar").toString(), "/workspace", 4, 8));
        // one listing per existing directory touched, not one call per entry
        assertThat(guest.calls).filteredOn(c -> c.startsWith("list")).containsExactly("list /workspace", "list /workspace/d");
    }

    @Test
    void asksTheGuestNothingMoreWhenTheDestinationIsNew() {
        FakeGuestFs guest = new FakeGuestFs();
        sync(guest, Tars.create().dir("a").file("a/b", "1").build(), "new/place");
        assertThat(guest.calls).containsExactly("stat /workspace", "stat /workspace/new");
        assertThat(sink.events).containsExactly("dir /workspace/new/place/a 755", "file /workspace/new/place/a/b 644 1");
    }
}
