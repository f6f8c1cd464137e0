package dev.pyro.engine.server;

import dev.pyro.api.engine.Operations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.api.engine.WorkspaceCreateParams;
import dev.pyro.api.engine.WorkspaceFileParams;
import dev.pyro.api.engine.WorkspaceParams;
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
            WorkspaceInfo ws = engine.call(Operations.CREATE_WORKSPACE.name(), new WorkspaceCreateParams(
                    WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("gvisor", false)
                            .withSecrets(List.of(SecretSpec.literal("TOKEN", "hunter2-secret")))), WorkspaceInfo.class);
            try {
                assertThatThrownBy(() -> engine.call(Operations.READ_WORKSPACE_FILE.name(),
                        WorkspaceFileParams.of(ws.workspaceId()).read("notes/hunter2-secret.txt", 100), Object.class))
                        .isInstanceOf(PyroException.class)
                        .hasMessage("workspace path does not exist: /workspace/notes/[REDACTED].txt");
            } finally {
                engine.call(Operations.DELETE_WORKSPACE.name(), new WorkspaceParams(ws.workspaceId()), Object.class);
            }
        } finally {
            FileTrees.deleteRecursively(state);
        }
        assertThat(state).doesNotExist();
    }
}
