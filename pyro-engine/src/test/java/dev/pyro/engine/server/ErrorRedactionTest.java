package dev.pyro.engine.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.server.EngineProtocol.WorkspaceCreateParams;
import dev.pyro.engine.server.EngineProtocol.WorkspaceFileParams;
import dev.pyro.engine.server.EngineProtocol.WorkspaceParams;
import dev.pyro.api.workspace.SecretSpec;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.workspace.WorkspaceRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Errors about a workspace never carry its secrets' values. */
class ErrorRedactionTest {

    @Test
    void aSecretValueInAnErrorMessageIsRedacted() throws Exception {
        RealSandboxes.assumeBackendWorks("gvisor");
        Path state = Files.createTempDirectory("pyro-redact-");
        try (EmbeddedEngine engine = new EmbeddedEngine(RealSandboxes.paths(state))) {
            WorkspaceInfo ws = engine.call(EngineProtocol.CREATE_WORKSPACE, new WorkspaceCreateParams(
                    WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("gvisor", false)
                            .withSecrets(List.of(SecretSpec.literal("TOKEN", "hunter2-secret")))), WorkspaceInfo.class);
            try {
                assertThatThrownBy(() -> engine.call(EngineProtocol.READ_WORKSPACE_FILE,
                        WorkspaceFileParams.of(ws.workspaceId()).read("notes/hunter2-secret.txt", 100), Object.class))
                        .isInstanceOf(PyroException.class)
                        .hasMessage("workspace path does not exist: /workspace/notes/[REDACTED].txt");
            } finally {
                engine.call(EngineProtocol.DELETE_WORKSPACE, new WorkspaceParams(ws.workspaceId()), Object.class);
            }
        } finally {
            FileTrees.deleteRecursively(state);
        }
        assertThat(state).doesNotExist();
    }
}
