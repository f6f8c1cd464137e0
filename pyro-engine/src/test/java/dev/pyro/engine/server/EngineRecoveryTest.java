package dev.pyro.engine.server;

import dev.pyro.api.engine.Operations;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.backend.SandboxProcesses;
import dev.pyro.api.Json;
import dev.pyro.api.engine.CreateParams;
import dev.pyro.api.engine.ExecParams;
import dev.pyro.api.engine.VmParams;
import dev.pyro.api.vm.VmExecResult;
import dev.pyro.api.vm.VmRequest;
import dev.pyro.api.vm.VmStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** kill -9 of the engine loses nothing: the next engine re-adopts running sandboxes, marks dead ones stopped. */
class EngineRecoveryTest {

    static final VmRequest GVISOR = VmRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("gvisor").withSize(1, 256);

    EngineFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        RealSandboxes.assumeBackendWorks("gvisor");
        fixture = new EngineFixture();
        RealSandboxes.environment(fixture.paths);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aNewEngineAdoptsRunningSandboxesAndMarksDeadOnesStopped() throws Exception {
        EngineClient client = fixture.client();
        String survivor = createAndStart(client);
        String victim = createAndStart(client);
        long firstEngine = fixture.pidFile();

        EngineFixture.kill9(firstEngine);
        long sandboxPid = sandboxPid(victim);
        assertThat(SandboxProcesses.isAlive(sandboxPid, fixture.state)).isTrue();
        EngineFixture.kill9(sandboxPid); // this sandbox dies with the engine

        EngineClient next = fixture.client(); // a new client process would do the same: start an engine
        VmStatus adopted = next.call(Operations.STATUS_VM.name(), new VmParams(survivor), VmStatus.class);
        long secondEngine = fixture.pidFile();
        assertThat(secondEngine).isNotEqualTo(firstEngine);
        assertThat(adopted.state()).isEqualTo("started");
        assertThat(next.call(Operations.STATUS_VM.name(), new VmParams(victim), VmStatus.class).state())
                .isEqualTo("stopped");

        VmExecResult result = next.call(Operations.EXEC_VM.name(), new ExecParams(survivor, "echo still here", 30),
                VmExecResult.class);
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo("still here\n");
        assertThat(result.cleanup().deleted()).isTrue();
        assertThat(fixture.vmDirs()).containsExactly(victim);
    }

    private static String createAndStart(EngineClient client) {
        VmStatus created = client.call(Operations.CREATE_VM.name(), new CreateParams(GVISOR), VmStatus.class);
        VmStatus started = client.call(Operations.START_VM.name(), new VmParams(created.vmId()), VmStatus.class);
        assertThat(started.state()).isEqualTo("started");
        return created.vmId();
    }

    private long sandboxPid(String vmId) throws Exception {
        JsonNode record = Json.MAPPER.readTree(fixture.state.resolve(Path.of("vms", vmId, "vm.json")).toFile());
        return record.path("sandbox").path("pid").asLong();
    }
}
