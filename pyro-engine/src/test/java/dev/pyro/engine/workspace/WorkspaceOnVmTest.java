package dev.pyro.engine.workspace;

import dev.pyro.api.OutputListener;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.workspace.WorkspaceRequest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A workspace on a QEMU microVM: its /workspace lives on the VM's own disk across stop and start. */
class WorkspaceOnVmTest {

    @Test
    void filesSurviveStopAndStartAndResetRestoresTheSeed() throws Exception {
        RealSandboxes.assumeBackendWorks("vm");
        Path state = Files.createTempDirectory("pyro-ws-vm-");
        WorkspaceManager manager = new WorkspaceManager(RealSandboxes.paths(state), 4, () -> 0);
        try {
            Path seed = Files.createDirectories(state.resolve("seed"));
            Files.writeString(seed.resolve("hello.txt"), "hello\n");
            WorkspaceInfo ws = manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT)
                    .withBackend("vm", false).withSize(1, 512, 600).withSeed(seed), Progress.NONE);
            String id = ws.workspaceId();
            assertThat(ws.executionMode()).isEqualTo("guest_vm");
            assertThat(manager.exec(id, "cat hello.txt && echo later > later.txt", 60, OutputListener.NONE)
                    .stdout()).isEqualTo("hello\n");
            manager.stop(id);
            manager.start(id);
            assertThat(manager.exec(id, "cat later.txt", 60, OutputListener.NONE).stdout()).isEqualTo("later\n");
            manager.reset(id, Progress.NONE);
            assertThat(manager.exec(id, "ls", 60, OutputListener.NONE).stdout()).isEqualTo("hello.txt\n");
            manager.delete(id);
            assertThat(state.resolve("workspaces").resolve(id)).doesNotExist();
        } finally {
            manager.list().workspaces().forEach(w -> manager.delete(w.workspaceId()));
            manager.close();
            FileTrees.deleteRecursively(state);
        }
    }
}
