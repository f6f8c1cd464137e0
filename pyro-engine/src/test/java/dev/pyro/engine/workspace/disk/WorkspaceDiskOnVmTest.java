package dev.pyro.engine.workspace.disk;

import dev.pyro.api.OutputListener;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import dev.pyro.api.workspace.SecretSpec;
import dev.pyro.api.workspace.WorkspaceExecResult;
import dev.pyro.api.workspace.files.WorkspaceFilePayloads.FileEntry;
import dev.pyro.engine.workspace.WorkspaceManager;
import dev.pyro.api.workspace.WorkspaceRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The disk tools on a QEMU workspace: its qcow2 overlay read as a raw ext4 image. */
class WorkspaceDiskOnVmTest {

    static final String TOKEN = "vm-disk-tok-41d0-secret";

    @Test
    void aStoppedVmDiskIsListedReadAndExportedWithoutRuntimePaths() throws Exception {
        RealSandboxes.assumeBackendWorks("vm");
        Path state = Files.createTempDirectory("pyro-disk-vm-");
        WorkspaceManager manager = new WorkspaceManager(RealSandboxes.paths(state), 4, () -> 0);
        WorkspaceDisk disk = new WorkspaceDisk(manager.context());
        try {
            Path seed = Files.createDirectories(state.resolve("seed"));
            Files.writeString(seed.resolve("hello.txt"), "hello\n");
            String id = manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("vm", false)
                    .withSize(1, 512, 600).withSeed(seed).withSecrets(List.of(SecretSpec.literal("TOKEN", TOKEN))),
                    Progress.NONE).workspaceId();
            // The guest's /run is a tmpfs; a bind mount of / reaches the on-disk /run beneath it, the
            // way a careless guest process could leave runtime files on the disk.
            WorkspaceExecResult planted = manager.exec(id, "echo later > later.txt && mkdir -p /mnt/root"
                    + " && mount --bind / /mnt/root && mkdir -p /mnt/root/run/pyro-secrets"
                    + " && cp /run/pyro-secrets/TOKEN /mnt/root/run/pyro-secrets/TOKEN && umount /mnt/root && sync",
                    60, OutputListener.NONE);
            assertThat(planted.exitCode()).as(planted.stderr()).isZero();
            manager.stop(id);

            assertThat(disk.list(id, null, false).entries()).containsExactly(
                    new FileEntry("/workspace/hello.txt", "file", 6, null),
                    new FileEntry("/workspace/later.txt", "file", 6, null));
            assertThat(disk.read(id, "later.txt", 100).content()).isEqualTo("later\n");
            assertThat(disk.list(id, "/run", false).entries()).extracting(FileEntry::path)
                    .noneMatch(p -> p.startsWith("/run/pyro"));
            Path out = state.resolve("vm.ext4");
            assertThat(disk.export(id, out.toString()).bytesWritten()).isEqualTo(Files.size(out));
            assertThat(WorkspaceDiskTest.debugfs(out, "cat /workspace/later.txt")).isEqualTo("later\n");
            assertThat(WorkspaceDiskTest.debugfs(out, "stat /run/pyro-secrets")).contains("File not found");
            assertThat(WorkspaceDiskTest.contains(out, TOKEN.getBytes(StandardCharsets.UTF_8)))
                    .as("secret bytes in the export").isFalse();

            manager.start(id);
            WorkspaceExecResult after = manager.exec(id, "cat hello.txt later.txt", 60, OutputListener.NONE);
            assertThat(after.stdout()).isEqualTo("hello\nlater\n");
        } finally {
            manager.list().workspaces().forEach(w -> manager.delete(w.workspaceId()));
            manager.close();
            FileTrees.deleteRecursively(state);
        }
    }
}
