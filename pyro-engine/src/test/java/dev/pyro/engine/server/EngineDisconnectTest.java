package dev.pyro.engine.server;

import dev.pyro.api.engine.Operations;
import static dev.pyro.engine.server.EngineFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.api.Json;
import dev.pyro.api.engine.RunParams;
import dev.pyro.api.vm.VmRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A client that goes away mid-run (Ctrl-C on pyro run) leaves no VM behind. */
class EngineDisconnectTest {

    static final VmRequest GVISOR = VmRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("gvisor").withSize(1, 256);

    EngineFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        RealSandboxes.assumeBackendWorks("gvisor");
        fixture = new EngineFixture();
        RealSandboxes.environment(fixture.paths);
        fixture.client().ping();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aClientLeavingDuringTheCommandGetsItsVmDeleted() throws Exception {
        String vmId;
        try (SocketChannel channel = sendRun("echo running; sleep 30")) {
            BufferedReader reader = reader(channel);
            vmId = null;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                JsonNode event = Json.MAPPER.readTree(line);
                if ("execute".equals(event.path("phase").asString(null))) {
                    vmId = event.path("detail").asString().substring("vm_id=".length());
                }
                if ("stdout".equals(event.path("event").asString(null))) {
                    assertThat(new String(Base64.getDecoder().decode(event.path("data").asString()),
                            StandardCharsets.UTF_8)).isEqualTo("running\n");
                    break; // the command runs: now the client goes away
                }
            }
            assertThat(vmId).isNotNull();
            assertThat(fixture.vmDirs()).containsExactly(vmId);
            assertThat(sandboxProcesses(vmId)).isNotEmpty();
        }
        String id = vmId;
        await("the vm dir to go", Duration.ofSeconds(5), () -> fixture.vmDirs().isEmpty());
        await("its runsc processes to go", Duration.ofSeconds(5), () -> sandboxProcesses(id).isEmpty());
    }

    @Test
    void aClientLeavingBeforeTheVmExistsGetsItDeletedOnceCreated() throws Exception {
        try (SocketChannel channel = sendRun("sleep 30")) {
            String accepted = reader(channel).readLine();
            assertThat(Json.MAPPER.readTree(accepted).path("event").asString()).isEqualTo("accepted");
        }
        // Whether create had finished or not when the socket closed, no VM may survive it.
        Thread.sleep(1_000);
        await("no vm left", Duration.ofSeconds(5), () -> fixture.vmDirs().isEmpty());
        assertThat(fixture.engineProcesses()).hasSize(1); // the engine itself carries on
        assertThat(fixture.client().ping().activeVms()).isZero();
    }

    private SocketChannel sendRun(String command) throws Exception {
        SocketChannel channel = EngineSocket.connect(fixture.files().socket());
        byte[] request = Json.MAPPER.writeValueAsBytes(new EngineProtocol.Request(Operations.RUN_IN_VM.name(),
                new RunParams(GVISOR, command, 60)));
        channel.write(ByteBuffer.wrap((new String(request, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8)));
        return channel;
    }

    private static BufferedReader reader(SocketChannel channel) {
        return new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
    }

    /** runsc processes name the sandbox's private root, under its vm dir. */
    private List<ProcessHandle> sandboxProcesses(String vmId) {
        String marker = fixture.state.resolve("vms").resolve(vmId).toString();
        return ProcessHandle.allProcesses()
                .filter(p -> String.join(" ", EngineFixture.cmdline(p.pid())).contains(marker))
                .toList();
    }
}
