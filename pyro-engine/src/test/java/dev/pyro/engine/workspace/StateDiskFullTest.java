package dev.pyro.engine.workspace;

import dev.pyro.api.workspace.Snapshot;
import dev.pyro.api.OutputListener;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.workspace.WorkspaceRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.engine.process.HostCommand;
import dev.pyro.api.Progress;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The state directory's filesystem runs full (a small tmpfs as the state dir): operations that must
 * write records fail with a clear error, nothing half-written stays behind, and once space is back
 * a new engine reports the workspace truthfully and loses no completed operation.
 */
class StateDiskFullTest {

    /** The backend the case runs on; {@link StateDiskFullOnVmTest} runs it on {@code vm}. */
    String backend() {
        return "gvisor";
    }

    @Test
    void aFullStateDiskFailsOperationsCleanlyAndANewEngineRecovers() throws Exception {
        RealSandboxes.assumeBackendWorks(backend());
        Path root = Files.createTempDirectory("pyro-full-");
        Path state = Files.createDirectories(root.resolve("state"));
        HostCommand.of("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", state.toString()).run();
        PyroPaths shared = RealSandboxes.paths(state);
        PyroPaths paths = new PyroPaths(shared.cacheDir(), state, shared.environmentCacheDir());
        WorkspaceManager manager = new WorkspaceManager(paths, 4, () -> 0);
        Path filler = state.resolve("filler");
        String id = null;
        try {
            id = manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend(backend(), false),
                    Progress.NONE).workspaceId();
            String ws = id;
            assertThat(manager.exec(ws, "echo one > one.txt", 30, OutputListener.NONE).exitCode()).isZero();
            WorkspaceSnapshots snapshots = new WorkspaceSnapshots(manager.context());
            snapshots.create(ws, "before");

            fill(filler);
            int failed = 0;
            List<String> messages = new java.util.ArrayList<>();
            for (Runnable op : List.<Runnable>of(
                    () -> manager.exec(ws, guestWrite(), 5, OutputListener.NONE),
                    () -> snapshots.create(ws, "during"),
                    () -> manager.update(ws, "renamed", false, java.util.Map.of(), List.of()))) {
                try {
                    op.run();
                } catch (RuntimeException e) {
                    failed++;
                    // as the engine's dispatcher does: a timeout the host side can explain is explained
                    String message = e instanceof dev.pyro.protocol.AgentTimeoutException
                            ? manager.explainTimeout(ws).map(Throwable::getMessage).orElse(e.getMessage())
                            : e.getMessage();
                    System.out.println("  full state disk: " + message);
                    assertThat(message).doesNotContain("Exception");
                    messages.add(message);
                }
            }
            assertThat(failed).as("operations that had to write a record").isGreaterThanOrEqualTo(2);
            assertThat(leftovers(state)).as("temp files left by failed writes").isEmpty();
            if ("vm".equals(backend())) {
                // QEMU pauses the guest rather than fail its writes; the errors name that and the fix
                assertThat(messages).anyMatch(m -> m.contains("the sandbox is paused: its disk overlay in"));
            }

            Files.delete(filler);
            manager.close();
            WorkspaceManager fresh = new WorkspaceManager(paths, 4, () -> 0);
            try {
                WorkspaceInfo status = fresh.status(ws);
                assertThat(status.state()).isEqualTo("started");
                assertThat(fresh.exec(ws, "cat one.txt", 30, OutputListener.NONE).stdout()).isEqualTo("one\n");
                if ("vm".equals(backend())) {
                    // the paused guest went on where it stopped: its write completed, nothing lost
                    assertThat(fresh.exec(ws, "sync; stat -c %s two.bin", 30, OutputListener.NONE).stdout())
                            .isEqualTo("8388608\n");
                }
                assertThat(new WorkspaceSnapshots(fresh.context()).list(ws).snapshots())
                        .extracting(Snapshot::snapshotName).contains("baseline", "before")
                        .doesNotContain("during");
                assertThat(fresh.logs(ws).entries()).isNotEmpty(); // the completed exec is still journalled
                fresh.delete(ws);
                id = null;
                System.out.printf("full state disk: %d of 3 writes refused cleanly, 0 leftovers, workspace recovered%n",
                        failed);
            } finally {
                fresh.close();
            }
        } finally {
            Files.deleteIfExists(filler);
            if (id != null) {
                WorkspaceManager cleanup = new WorkspaceManager(paths, 4, () -> 0);
                cleanup.delete(id);
                cleanup.close();
            }
            HostCommand.of("umount", "-l", state.toString()).runAllowingFailure();
            FileTrees.deleteRecursively(root);
        }
    }

    /**
     * A command that writes in the guest. On vm it syncs enough that the disk overlay in the full
     * state dir must grow: QEMU then pauses the guest.
     */
    String guestWrite() {
        return "vm".equals(backend()) ? "head -c 8M /dev/urandom > two.bin && sync" : "echo two > two.txt";
    }

    /** Writes until the filesystem is full. */
    private static void fill(Path file) throws IOException {
        byte[] block = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // ENOSPC: that is the point
        }
    }

    private static List<Path> leftovers(Path state) throws IOException {
        try (Stream<Path> all = Files.walk(state.resolve("workspaces"))) {
            return all.filter(p -> {
                String name = p.getFileName().toString();
                return name.endsWith(".tmp") || name.startsWith(".taking-");
            }).filter(p -> !p.toString().contains("/runtime/")).toList();
        }
    }
}
