package dev.pyro.engine.backend;

import dev.pyro.api.OutputListener;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import dev.pyro.api.workspace.WorkspaceExecResult;
import dev.pyro.engine.workspace.WorkspaceManager;
import dev.pyro.api.workspace.WorkspaceRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A guest that fills its disk on gVisor fills its own layer file, not the host's state filesystem:
 * the write fails inside the guest with ENOSPC, the host grows by at most the layer's size, a
 * neighbour keeps working, and delete leaves no mount behind.
 */
class GvisorDiskLimitTest {

    @Test
    void aDiskFillerHitsItsOwnLimit() throws Exception {
        RealSandboxes.assumeBackendWorks("gvisor");
        Path state = Files.createTempDirectory("pyro-disk-limit-");
        WorkspaceManager manager = new WorkspaceManager(RealSandboxes.paths(state), 4, () -> 0);
        String id;
        String neighbour;
        try {
            System.setProperty("pyro.gvisor.layer-mib", "64");
            try {
                id = manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("gvisor", false),
                        Progress.NONE).workspaceId();
            } finally {
                System.clearProperty("pyro.gvisor.layer-mib");
            }
            neighbour = manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT)
                    .withBackend("gvisor", false), Progress.NONE).workspaceId();
            Path layer = state.resolve("workspaces").resolve(id).resolve("runtime/layer.ext4");

            WorkspaceExecResult fill = manager.exec(id, "dd if=/dev/zero of=fill bs=1M count=200 2>&1; echo rc=$?",
                    120, OutputListener.NONE);
            assertThat(fill.stdout()).contains("No space left on device").doesNotEndWith("rc=0\n");
            long usedBytes = Long.parseLong(dev.pyro.engine.process.HostCommand.of("du", "-k", layer.toString())
                    .runAllowingFailure().lines().get(0).split("\\s+")[0]) * 1024; // allocated, not apparent
            System.out.printf("disk filler: asked 200 MiB, layer holds %d MiB of 64 MiB%n", usedBytes >> 20);
            assertThat(usedBytes).isLessThanOrEqualTo(64L << 20);
            assertNeighbourWorksAndSpaceComesBack(manager, id, neighbour, "rm fill");
            manager.delete(id);
            assertThat(Files.readString(Path.of("/proc/mounts"))).doesNotContain(state.resolve("workspaces")
                    .resolve(id).toString());
        } finally {
            manager.list().workspaces().forEach(w -> manager.delete(w.workspaceId()));
            manager.close();
            FileTrees.deleteRecursively(state);
        }
    }

    /** After a filler: a neighbour keeps working, {@code remove} frees the space, and that survives a restart. */
    static void assertNeighbourWorksAndSpaceComesBack(WorkspaceManager manager, String id, String neighbour,
                                                      String remove) {
        assertThat(manager.exec(neighbour, "echo fine > f && cat f", 30, OutputListener.NONE).stdout())
                .isEqualTo("fine\n");
        assertThat(manager.exec(id, remove + " && echo ok > after && cat after", 30, OutputListener.NONE)
                .stdout()).isEqualTo("ok\n");
        manager.stop(id);
        manager.start(id);
        assertThat(manager.exec(id, "cat after", 30, OutputListener.NONE).stdout()).isEqualTo("ok\n");
    }
}
