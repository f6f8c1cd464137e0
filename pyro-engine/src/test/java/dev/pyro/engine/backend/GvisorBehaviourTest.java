package dev.pyro.engine.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.backend.gvisor.GvisorLayer;
import dev.pyro.test.SandboxTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

@SandboxTest
class GvisorBehaviourTest extends BackendBehaviourTest {
    @Override
    String backendName() {
        return "gvisor";
    }

    /**
     * Newer runsc wraps the root in its own overlay ({@code --overlay2=root:self}) by default: guest
     * writes then never reach our upper dir, so stop loses them and reset, diff and export miss them.
     */
    @Test
    void guestWritesReachTheOverlayUpperDirOnTheHost() throws Exception {
        assertThat(sh("mkdir -p /root/kept && echo kept > /root/kept/file && sync").exitCode()).isZero();
        Path upper = GvisorLayer.upperDir(sandbox);
        assertThat(upper.resolve("root/kept/file")).hasContent("kept");
        // runsc's own overlay reports an unbounded root (8.0E); ours is the size-limited layer.
        long rootKib = Long.parseLong(sh("df -P / | tail -1").stdout().trim().split("\\s+")[1]);
        assertThat(rootKib).isLessThan(64L << 20);
    }
}
