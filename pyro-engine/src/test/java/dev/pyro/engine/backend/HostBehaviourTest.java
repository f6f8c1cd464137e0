package dev.pyro.engine.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.test.SandboxTest;
import org.junit.jupiter.api.Test;

/** The host backend behaves like the others for commands, and says it is not isolated. */
@SandboxTest
class HostBehaviourTest extends BackendBehaviourTest {
    @Override
    String backendName() {
        return "host";
    }

    @Override
    boolean isolating() {
        return false;
    }

    @Test
    void saysItIsNotIsolated() {
        assertThat(sandbox.executionMode()).isEqualTo("host_compat");
        assertThat(sandbox.metadata()).containsEntry("isolation", "none");
        assertThat(sh("echo $HOME").stdout().trim()).isEqualTo(sandbox.metadata().get("host_dir"));
    }
}
