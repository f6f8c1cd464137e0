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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A {@code vm} guest's root writing to its serial console cannot grow a host file: the console is a
 * ring in QEMU's memory (it was {@code -serial file:serial.log}, which grew with every byte, the
 * same class as gVisor's console and {@code /run/pyro-host} in issue 17). The workspace keeps
 * answering, and nothing in its runtime dir grows by the flood.
 */
class VmSerialConsoleTest {

    private static final long FLOOD_BYTES = 4L << 20;

    @Test
    void aGuestFloodingItsSerialConsoleWritesNothingOnTheHost() throws Exception {
        RealSandboxes.assumeBackendWorks("vm");
        Path state = Files.createTempDirectory("pyro-vm-serial-");
        WorkspaceManager manager = new WorkspaceManager(RealSandboxes.paths(state), 4, () -> 0);
        try {
            String id = manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("vm", false),
                    Progress.NONE).workspaceId();
            Path runtime = state.resolve("workspaces").resolve(id).resolve("runtime");
            long before = hostFilesExceptDisk(runtime);
            WorkspaceExecResult flood = manager.exec(id, "head -c " + FLOOD_BYTES + " /dev/zero | tr '\\0' x"
                    + " > /dev/ttyS0; echo rc=$?", 300, OutputListener.NONE);
            long after = hostFilesExceptDisk(runtime);
            System.out.printf("vm serial flood: %s, host runtime files (less the disk) %d -> %d bytes%n",
                    flood.stdout().trim(), before, after);
            assertThat(flood.stdout()).contains("rc=0");
            assertThat(after - before).isLessThan(1L << 20);
            assertThat(manager.exec(id, "echo alive", 30, OutputListener.NONE).stdout()).contains("alive");
        } finally {
            manager.list().workspaces().forEach(w -> manager.delete(w.workspaceId()));
            manager.close();
            FileTrees.deleteRecursively(state);
        }
    }

    /** Bytes of every regular file under the sandbox dir but its qcow2 disks (the guest's own bounded layer). */
    private static long hostFilesExceptDisk(Path runtime) throws Exception {
        try (Stream<Path> files = Files.walk(runtime)) {
            return files.filter(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .filter(f -> !f.getFileName().toString().endsWith(".qcow2"))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
