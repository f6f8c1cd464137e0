package dev.pyro.engine.server;

import dev.pyro.api.engine.Operations;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.api.Json;
import dev.pyro.api.engine.WorkspaceCreateParams;
import dev.pyro.api.engine.WorkspaceExecParams;
import dev.pyro.api.engine.WorkspaceParams;
import dev.pyro.api.workspace.WorkspaceExecResult;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.workspace.WorkspaceRequest;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** An engine killed (-9) in the middle of a workspace command loses neither the workspace nor its record. */
class EngineWorkspaceRecoveryTest {

    EngineFixture fixture;
    String workspaceId;

    /** The backend the cases run on; {@link EngineWorkspaceRecoveryOnVmTest} runs them on {@code vm}. */
    String backend() {
        return "gvisor";
    }

    @BeforeEach
    void setUp() throws Exception {
        RealSandboxes.assumeBackendWorks(backend());
        fixture = new EngineFixture();
        RealSandboxes.environment(fixture.paths);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fixture != null) {
            if (workspaceId != null) {
                try {
                    fixture.client().call(Operations.DELETE_WORKSPACE.name(), new WorkspaceParams(workspaceId),
                            JsonNode.class);
                } catch (RuntimeException e) {
                    // the fixture's clean-up removes what is left
                }
            }
            fixture.close();
        }
    }

    @Test
    void aWorkspaceSurvivesTheEngineDyingMidCommand() throws Exception {
        EngineClient client = fixture.client();
        WorkspaceInfo created = client.call(Operations.CREATE_WORKSPACE.name(), new WorkspaceCreateParams(
                WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend(backend(), false)
                        .withSize(1, 256, 600)), WorkspaceInfo.class);
        workspaceId = created.workspaceId();
        long firstEngine = fixture.pidFile();

        CompletableFuture<WorkspaceExecResult> inFlight = CompletableFuture.supplyAsync(() -> client.call(
                Operations.EXEC_WORKSPACE.name(), new WorkspaceExecParams(workspaceId,
                        "sleep 2; echo finished > marker.txt", 30, null), WorkspaceExecResult.class));
        Thread.sleep(700);
        EngineFixture.kill9(firstEngine);
        assertThat(inFlight).failsWithin(20, TimeUnit.SECONDS);

        // The record on disk is whole (atomic writes) and the next engine serves the same workspace.
        JsonNode record = Json.MAPPER.readTree(fixture.state.resolve(
                Path.of("workspaces", workspaceId, "workspace.json")).toFile());
        assertThat(record.get("workspace_id").asString()).isEqualTo(workspaceId);
        EngineClient next = fixture.client();
        WorkspaceInfo status = next.call(Operations.STATUS_WORKSPACE.name(), new WorkspaceParams(workspaceId),
                WorkspaceInfo.class);
        assertThat(fixture.pidFile()).isNotEqualTo(firstEngine);
        assertThat(status.state()).isEqualTo("started");
        assertThat(status.commandCount()).isZero(); // the interrupted command never completed for the engine

        // The guest kept running: the interrupted command finished inside it.
        WorkspaceExecResult after = next.call(Operations.EXEC_WORKSPACE.name(), new WorkspaceExecParams(workspaceId,
                "sleep 2; cat marker.txt", 30, null), WorkspaceExecResult.class);
        assertThat(after.stdout()).isEqualTo("finished\n");
        assertThat(after.sequence()).isEqualTo(1);
    }
}
