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
 * A guest that fills its disk on {@code vm} fills its own filesystem (the environment image's size):
 * the write fails inside the guest with ENOSPC, a neighbour keeps working, space comes back after
 * {@code rm} and survives a restart. The fill is an fallocate of all free space plus a write, so
 * the test does not have to push gigabytes through TCG (a full dd: docs/reliability.md).
 */
class VmDiskLimitTest {

    @Test
    void aDiskFillerHitsItsOwnLimit() throws Exception {
        RealSandboxes.assumeBackendWorks("vm");
        Path state = Files.createTempDirectory("pyro-vm-disk-");
        WorkspaceManager manager = new WorkspaceManager(RealSandboxes.paths(state), 4, () -> 0);
        try {
            WorkspaceRequest request = WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("vm", false);
            String id = manager.create(request, Progress.NONE).workspaceId();
            String neighbour = manager.create(request, Progress.NONE).workspaceId();
            // root may use the blocks reserved for it, so "free" counts those too (df's "avail" does not)
            WorkspaceExecResult fill = manager.exec(id, "free=$(( $(stat -f -c %f /) * $(stat -f -c %S /) )); "
                    + "fallocate -l $(( free - (16 << 20) )) big; dd if=/dev/zero of=more bs=1M count=64 2>&1; "
                    + "echo rc=$?; echo free_blocks=$(stat -f -c %f /)", 120, OutputListener.NONE);
            Path overlay = state.resolve("workspaces").resolve(id).resolve("runtime/disk.qcow2");
            long overlayMib = Long.parseLong(dev.pyro.engine.process.HostCommand.of("du", "-m", overlay.toString())
                    .runAllowingFailure().lines().get(0).split("\\s+")[0]);
            System.out.printf("vm disk filler: '%s', host overlay %d MiB%n",
                    fill.stdout().trim().replace('\n', ' '), overlayMib);
            assertThat(fill.stdout()).contains("No space left on device").doesNotContain("rc=0\n");
            GvisorDiskLimitTest.assertNeighbourWorksAndSpaceComesBack(manager, id, neighbour, "rm big more");
        } finally {
            manager.list().workspaces().forEach(w -> manager.delete(w.workspaceId()));
            manager.close();
            FileTrees.deleteRecursively(state);
        }
    }
}
