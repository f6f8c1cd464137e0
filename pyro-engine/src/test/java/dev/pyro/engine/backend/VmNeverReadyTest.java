package dev.pyro.engine.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.engine.backend.vm.QemuBackend;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.environment.EnvironmentCatalog;
import dev.pyro.engine.environment.EnvironmentManifest;
import dev.pyro.engine.environment.InstallState;
import dev.pyro.api.Progress;
import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A guest that never becomes ready is reported within a bounded wait and leaves nothing running. */
class VmNeverReadyTest {

    @Test
    void aVmWhoseDiskIsGarbageFailsFastAndIsCleanedUp() throws Exception {
        RealSandboxes.assumeBackendWorks("vm");
        Path state = Files.createTempDirectory("pyro-never-ready-");
        try {
            PyroPaths paths = RealSandboxes.paths(state);
            Path env = Files.createDirectories(state.resolve("broken-env"));
            Files.write(env.resolve("rootfs.ext4"), new byte[4 * 1024 * 1024]); // no file system at all
            EnvironmentManifest manifest = new EnvironmentManifest(EnvironmentManifest.LAYOUT_VERSION, "debian:12",
                    "1.0.0", "1.0.0", "debian", "12", "bookworm", List.of(), 0, "sha256:0", 0, 0, null, "test",
                    new EnvironmentManifest.Artifacts("rootfs.ext4", 4 * 1024 * 1024, "rootfs"));
            InstallState broken = new InstallState(env, true, null, manifest);
            QemuBackend backend = new QemuBackend(paths, false, Progress.NONE);
            SandboxRecord created = backend.create(new SandboxRequest("neverready01",
                    EnvironmentCatalog.get("debian:12"), broken, 1, 256, false, state.resolve("sandbox")));
            long started = System.nanoTime();
            SandboxRecord sandbox;
            try {
                sandbox = backend.start(created, Duration.ofSeconds(30));
            } catch (RuntimeException e) {
                sandbox = created; // QEMU may already be gone by the time start checks
            }
            SandboxRecord launched = sandbox;
            assertThatThrownBy(() -> AgentConnection.connectUnix(launched.agentSocket(), Duration.ofSeconds(5),
                    AgentConnection.Options.forSerial().withHello(Duration.ofSeconds(2), 10, true)))
                    .isInstanceOf(AgentException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(40));
            backend.delete(launched);
            assertThat(backend.isRunning(launched)).isFalse();
            assertThat(launched.workDir()).doesNotExist();
        } finally {
            FileTrees.deleteRecursively(state);
        }
    }
}
