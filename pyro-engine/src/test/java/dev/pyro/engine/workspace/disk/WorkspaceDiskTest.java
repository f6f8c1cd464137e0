package dev.pyro.engine.workspace.disk;

import dev.pyro.api.OutputListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.engine.process.HostCommand;
import dev.pyro.api.Progress;
import dev.pyro.api.workspace.SecretSpec;
import dev.pyro.api.workspace.files.WorkspaceFilePayloads.FileEntry;
import dev.pyro.engine.workspace.GvisorManager;
import dev.pyro.engine.workspace.WorkspaceManager;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.api.workspace.disk.DiskPayloads.DiskExport;
import dev.pyro.api.workspace.disk.DiskPayloads.DiskList;
import dev.pyro.api.workspace.disk.DiskPayloads.DiskRead;
import dev.pyro.test.SandboxTest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The disk tools on a real gVisor workspace: list, read and export its stopped disk, secrets never included. */
@SandboxTest
class WorkspaceDiskTest {

    static final String TOKEN = "disk-tok-7c1e-very-secret";

    GvisorManager gvisor;
    Path state;
    WorkspaceManager manager;
    WorkspaceDisk disk;

    @BeforeEach
    void setUp() throws Exception {
        gvisor = GvisorManager.open("pyro-disk-", 4);
        state = gvisor.state;
        manager = gvisor.manager;
        disk = new WorkspaceDisk(manager.context());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (gvisor != null) {
            gvisor.close();
        }
    }

    String exec(String id, String command) {
        var result = manager.exec(id, command, 30, OutputListener.NONE);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout();
    }

    @Test
    void aStoppedWorkspaceDiskIsListedReadAndExportedWithoutItsSecrets() throws Exception {
        Path seed = Files.createDirectories(state.resolve("seed/src"));
        Files.writeString(seed.resolve("main.txt"), "hello from the seed\n");
        String id = manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("gvisor", false)
                .withSeed(state.resolve("seed")).withSecrets(List.of(SecretSpec.literal("API_TOKEN", TOKEN))),
                Progress.NONE).workspaceId();
        exec(id, "mkdir -p nested/deep && printf 0123456789%.0s 1 2 3 4 5 6 7 8 9 10 > big.txt"
                + " && echo deep > nested/deep/f.txt && ln -s src/main.txt link && printf 'a\\377b' > bad.txt"
                + " && rm src/main.txt && echo replaced > src/main.txt && cat /run/pyro-secrets/API_TOKEN > /dev/null");

        assertThatThrownBy(() -> disk.list(id, null, false)).isInstanceOf(PyroException.class)
                .hasMessage("workspace '" + id + "' must be stopped before workspace_disk_list; run: pyro workspace stop " + id);
        assertThatThrownBy(() -> disk.export(id, state.resolve("early.ext4").toString()))
                .hasMessageStartingWith("workspace '" + id + "' must be stopped before workspace_disk_export");
        assertThatThrownBy(() -> disk.read(id, "big.txt", 10))
                .hasMessageStartingWith("workspace '" + id + "' must be stopped before workspace_disk_read");
        assertThat(state.resolve("early.ext4")).doesNotExist();

        manager.stop(id);
        // Something runtime-only that reached the disk anyway (the guest keeps /run on a tmpfs, so
        // Pyro never puts it there): the disk tools must not show it, nor its bytes.
        dev.pyro.engine.backend.SandboxRecord sandbox = manager.store().read(dev.pyro.api.ids.WorkspaceId.of(id)).orElseThrow().sandbox();
        Path upperRun = dev.pyro.engine.backend.gvisor.GvisorLayer.upperDir(sandbox).resolve("run/pyro-secrets");
        Files.createDirectories(upperRun.resolve("sub"));
        Files.writeString(upperRun.resolve("LEAKED"), TOKEN + "\n");
        Files.writeString(upperRun.resolve("sub/ALSO"), TOKEN + TOKEN + "\n");
        dev.pyro.engine.backend.gvisor.GvisorLayer.unmount(sandbox);

        DiskList list = disk.list(id, null, true);
        assertThat(list.workspaceId()).isEqualTo(id);
        assertThat(list.path()).isEqualTo("/workspace");
        assertThat(list.recursive()).isTrue();
        assertThat(list.entries()).containsExactly(
                new FileEntry("/workspace/bad.txt", "file", 3, null),
                new FileEntry("/workspace/big.txt", "file", 100, null),
                new FileEntry("/workspace/link", "symlink", 12, "src/main.txt"),
                new FileEntry("/workspace/nested", "directory", 0, null),
                new FileEntry("/workspace/nested/deep", "directory", 0, null),
                new FileEntry("/workspace/nested/deep/f.txt", "file", 5, null),
                new FileEntry("/workspace/src", "directory", 0, null),
                new FileEntry("/workspace/src/main.txt", "file", 9, null));
        assertThat(disk.list(id, "nested", false).entries()).extracting(FileEntry::path)
                .containsExactly("/workspace/nested/deep");
        assertThat(disk.list(id, "/workspace/./nested/../big.txt", false).entries())
                .containsExactly(new FileEntry("/workspace/big.txt", "file", 100, null));
        assertThat(disk.list(id, "/run", false).entries()).extracting(FileEntry::path)
                .noneMatch(p -> p.startsWith("/run/pyro"));
        assertThat(disk.list(id, "/", false).entries()).extracting(FileEntry::path)
                .contains("/etc", "/usr", "/workspace");

        DiskRead read = disk.read(id, "big.txt", 10);
        assertThat(read).isEqualTo(new DiskRead(id, "/workspace/big.txt", 100, 10, "0123456789", true));
        assertThat(disk.read(id, "/workspace/src/main.txt", 65536))
                .isEqualTo(new DiskRead(id, "/workspace/src/main.txt", 9, 65536, "replaced\n", false));
        assertThat(disk.read(id, "bad.txt", 100).content()).isEqualTo("a\uFFFDb");
        assertThat(disk.read(id, "/usr/lib/os-release", 65536).content()).contains("Debian");

        assertThatThrownBy(() -> disk.read(id, "missing.txt", 10))
                .hasMessage("workspace disk path does not exist: /workspace/missing.txt");
        assertThatThrownBy(() -> disk.list(id, "/run/pyro-secrets", false))
                .hasMessage("workspace disk path does not exist: /run/pyro-secrets");
        assertThatThrownBy(() -> disk.read(id, "nested", 10)).hasMessage("workspace disk read only supports regular files");
        assertThatThrownBy(() -> disk.read(id, "link", 10)).hasMessage("workspace disk read only supports regular files");
        assertThatThrownBy(() -> disk.read(id, "big.txt", 0)).hasMessage("max_bytes must be positive");
        assertThatThrownBy(() -> disk.read(id, "  ", 10)).hasMessage("workspace disk path must not be empty");
        assertThatThrownBy(() -> disk.list(id, "../etc", false)).hasMessage("workspace path must stay inside /workspace");

        Path out = state.resolve("out/disk.ext4");
        DiskExport export = disk.export(id, out.toString());
        assertThat(export).isEqualTo(new DiskExport(id, out.toString(), "ext4", Files.size(out)));
        assertThat(Files.size(out)).isGreaterThan(100L << 20);
        assertThat(debugfs(out, "cat /workspace/src/main.txt")).isEqualTo("replaced\n");
        assertThat(debugfs(out, "cat /workspace/nested/deep/f.txt")).isEqualTo("deep\n");
        assertThat(debugfs(out, "stat /run/pyro-secrets")).contains("File not found");
        assertThat(contains(out, TOKEN.getBytes(StandardCharsets.UTF_8))).as("secret bytes in the export").isFalse();
        try (var leftovers = Files.list(out.getParent())) {
            assertThat(leftovers).containsExactly(out);
        }
        assertThatThrownBy(() -> disk.export(id, out.toString())).hasMessage("output_path already exists: " + out);

        // The disk tools changed nothing: the workspace resumes with /workspace and its secret intact.
        manager.start(id);
        assertThat(state.resolve("workspaces").resolve(id).resolve("disk")).doesNotExist();
        assertThat(exec(id, "cat src/main.txt nested/deep/f.txt; readlink link; wc -c < big.txt"))
                .isEqualTo("replaced\ndeep\nsrc/main.txt\n100\n");
        assertThat(exec(id, "test \"$(cat /run/pyro-secrets/API_TOKEN)\" = '" + TOKEN + "' && echo ok")).isEqualTo("ok\n");
        exec(id, "echo after > src/main.txt");
        manager.stop(id);
        assertThat(disk.read(id, "src/main.txt", 100).content()).as("a fresh image after start").isEqualTo("after\n");
    }

    static String debugfs(Path image, String command) throws Exception {
        return HostCommand.of("debugfs", "-R", command, image.toString()).runAllowingFailure().lines().stream()
                .filter(l -> !l.startsWith("debugfs ")).reduce("", (a, b) -> a + b + "\n");
    }

    /** Whether {@code needle} occurs anywhere in the file's bytes (read in overlapping chunks). */
    static boolean contains(Path file, byte[] needle) throws Exception {
        byte[] buffer = new byte[1 << 20];
        byte[] carry = new byte[0];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                byte[] window = new byte[carry.length + n];
                System.arraycopy(carry, 0, window, 0, carry.length);
                System.arraycopy(buffer, 0, window, carry.length, n);
                if (indexOf(window, needle) >= 0) {
                    return true;
                }
                int keep = Math.min(needle.length - 1, window.length);
                carry = java.util.Arrays.copyOfRange(window, window.length - keep, window.length);
            }
        }
        return false;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
