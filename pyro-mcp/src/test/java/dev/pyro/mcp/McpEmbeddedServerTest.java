package dev.pyro.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.mcp.tools.ToolOutcome;
import dev.pyro.sdk.Pyro;
import dev.pyro.sdk.SdkFixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code Pyro.createServer} for embedding: the surface's tools, called directly, with model-fixable errors. */
class McpEmbeddedServerTest {

    @Test
    void createServerExposesTheSurfaceAndReturnsToolErrors() throws Exception {
        try (SdkFixture fixture = new SdkFixture(); Pyro pyro = Pyro.embedded(fixture.paths)) {
            PyroMcpServer server = pyro.createServer(McpServerOptions.of(McpSurface.INSPECT).withoutProjectSource());
            assertThat(server.tools()).hasSize(11);
            assertThat(server.projectSource()).isNull();

            ToolOutcome listed = server.call("workspace_list", Map.of());
            assertThat(listed.error()).isFalse();
            assertThat(listed.structured()).containsEntry("count", 0).containsEntry("workspaces", List.of());

            ToolOutcome secrets = server.call("workspace_create", Map.of("environment", "debian:12",
                    "secrets", List.of(Map.of("name", "T", "value", "v"))));
            assertThat(secrets.error()).isTrue();
            assertThat(secrets.text()).contains("workspace_create has no argument 'secrets' in the inspect surface")
                    .contains("needs --profile workspace-full");
            assertThat(fixture.state.resolve("workspaces")).satisfiesAnyOf(
                    p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());

            ToolOutcome missing = server.call("workspace_exec", Map.of("command", "true"));
            assertThat(missing.text()).isEqualTo("error: workspace_exec: workspace_id is required and must be a "
                    + "non-empty string");
            ToolOutcome typed = server.call("workspace_exec", Map.of("workspace_id", "x", "command", "true",
                    "timeout_seconds", "soon"));
            assertThat(typed.structured()).containsEntry("kind", "INVALID_INPUT");
            assertThat(typed.text()).contains("timeout_seconds must be an integer, got \"soon\"");
            ToolOutcome noEnv = server.call("workspace_create", Map.of());
            assertThat(noEnv.text()).contains("environment is required");
        }
    }

    @Test
    void environmentDefaultIsValidated() throws Exception {
        try (SdkFixture fixture = new SdkFixture(); Pyro pyro = Pyro.embedded(fixture.paths)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> pyro.createServer(
                    McpServerOptions.of(McpSurface.WORKSPACE_CORE).withEnvironment("debian:99").withoutProjectSource()))
                    .hasMessageContaining("debian:99");
        }
    }
}
