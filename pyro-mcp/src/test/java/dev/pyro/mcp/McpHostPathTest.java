package dev.pyro.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.cache.FileTrees;
import dev.pyro.mcp.tools.ToolOutcome;
import dev.pyro.sdk.Pyro;
import dev.pyro.sdk.SdkFixture;
import dev.pyro.test.SandboxTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MCP client is not trusted with the host: its host path arguments reach only the project
 * checkout and the directories the person who started the server allowed (resolved canonically,
 * no symlink or {@code ..} escape), and it may not opt out of isolation unless that person allowed it.
 */
class McpHostPathTest {

    private static final String HINT = "the person who starts the server can allow a directory with "
            + "`pyro mcp serve --allow-host-path DIR`";

    Path host;
    Path allowed;

    @BeforeEach
    void setUp() throws Exception {
        host = Files.createTempDirectory("pyro-hostpath-");
        allowed = Files.createDirectories(host.resolve("allowed"));
        Files.writeString(Files.createDirectories(host.resolve("private")).resolve("secret.txt"), "top secret\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        FileTrees.deleteRecursively(host);
    }

    @Test
    void hostPathsOutsideTheAllowedDirectoriesAreRefused() throws Exception {
        Files.createSymbolicLink(allowed.resolve("to-private"), host.resolve("private"));
        Files.createSymbolicLink(allowed.resolve("dangling"), host.resolve("private/new-file"));
        Files.createDirectories(allowed.resolve("repo/.git/hooks"));
        try (SdkFixture fixture = new SdkFixture(); Pyro pyro = Pyro.embedded(fixture.paths)) {
            PyroMcpServer server = pyro.createServer(McpServerOptions.of(McpSurface.WORKSPACE_FULL)
                    .withoutProjectSource().withAllowedHostPath(allowed));
            for (String seed : List.of("/etc", host.resolve("private").toString(), allowed + "/../private",
                    allowed.resolve("to-private").toString(), allowed.resolve("to-private/secret.txt").toString())) {
                refused(server.call("workspace_create", Map.of("environment", "debian:12", "seed_path", seed)),
                        "seed_path " + seed + " is outside the host directories this MCP server may use ("
                                + allowed.toRealPath() + ")");
            }
            refused(server.call("workspace_sync_push", Map.of("workspace_id", "0123456789ab",
                    "source_path", "/etc")), "source_path /etc is outside");
            refused(server.call("workspace_create", Map.of("environment", "debian:12", "secrets",
                    List.of(Map.of("name", "S", "file_path", "/etc/shadow")))), "file_path /etc/shadow is outside");
            for (String out : List.of("/tmp/pyro-out-" + ProcessHandle.current().pid(),
                    host.resolve("private/out").toString(), allowed.resolve("to-private/out").toString())) {
                refused(server.call("workspace_export", Map.of("workspace_id", "0123456789ab", "path", "a",
                        "output_path", out)), "output_path " + out + " is outside");
                refused(server.call("workspace_disk_export", Map.of("workspace_id", "0123456789ab",
                        "output_path", out)), "output_path " + out + " is outside");
            }
            refused(server.call("workspace_export", Map.of("workspace_id", "0123456789ab", "path", "a",
                    "output_path", allowed.resolve("dangling").toString())), "cannot be resolved");
            refused(server.call("workspace_export", Map.of("workspace_id", "0123456789ab", "path", "a",
                    "output_path", allowed.resolve("new/../../private/x").toString())), "must not use . or ..");
            ToolOutcome hook = server.call("workspace_export", Map.of("workspace_id", "0123456789ab", "path", "a",
                    "output_path", allowed.resolve("repo/.git/hooks/pre-commit").toString()));
            assertThat(hook.text()).contains("is inside a .git directory");

            for (String tool : List.of("vm_run", "vm_create", "workspace_create")) {
                Map<String, Object> args = new java.util.HashMap<>(Map.of("environment", "debian:12",
                        "allow_host_compat", true));
                if (tool.equals("vm_run")) {
                    args.put("command", "id");
                }
                ToolOutcome compat = server.call(tool, args);
                assertThat(compat.error()).isTrue();
                assertThat(compat.text()).contains("allow_host_compat is not permitted on this MCP server")
                        .contains("pyro mcp serve --allow-host-compat");
            }
            assertThat(fixture.state.resolve("workspaces")).satisfiesAnyOf(
                    p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
            assertThat(fixture.vmDirs()).isEmpty();
        }
        assertThat(host.resolve("private")).isDirectoryContaining(p -> p.endsWith("secret.txt"));
        assertThat(Files.list(host.resolve("private")).count()).isEqualTo(1);
    }

    @Test
    void noHostPathAtAllWithoutAProjectOrAnAllowedDirectory() throws Exception {
        try (SdkFixture fixture = new SdkFixture(); Pyro pyro = Pyro.embedded(fixture.paths)) {
            PyroMcpServer server = pyro.createServer(McpServerOptions.of(McpSurface.WORKSPACE_CORE)
                    .withoutProjectSource());
            assertThat(server.hostPaths().describe()).isEqualTo("none (add --allow-host-path DIR)");
            refused(server.call("workspace_create", Map.of("environment", "debian:12",
                    "seed_path", allowed.toString())), "outside the host directories this MCP server may use (none");
        }
    }

    @SandboxTest
    @Test
    void allowedPathsWorkOnGvisorAndTheServerMayAllowHostCompat() throws Exception {
        SdkFixture.assumeGvisorWorks();
        Path seed = Files.createDirectories(allowed.resolve("seed"));
        Files.writeString(seed.resolve("hello.txt"), "hello\n");
        try (SdkFixture fixture = new SdkFixture(); Pyro pyro = Pyro.embedded(fixture.paths)) {
            PyroMcpServer server = pyro.createServer(McpServerOptions.of(McpSurface.WORKSPACE_CORE)
                    .withoutProjectSource().withAllowedHostPath(allowed).withAllowHostCompat(true)
                    .withCwd(allowed));
            ToolOutcome created = server.call("workspace_create", Map.of("environment", "debian:12",
                    "seed_path", "seed", "allow_host_compat", true));
            assertThat(created.error()).as(created.text()).isFalse();
            String id = (String) created.structured().get("workspace_id");
            assertThat(created.structured().get("execution_mode")).isNotEqualTo("host_compat");
            ToolOutcome exported = server.call("workspace_export", Map.of("workspace_id", id, "path", "hello.txt",
                    "output_path", "out/hello.txt"));
            assertThat(exported.error()).as(exported.text()).isFalse();
            assertThat(allowed.resolve("out/hello.txt")).hasContent("hello");
            assertThat(server.call("workspace_delete", Map.of("workspace_id", id)).error()).isFalse();
        }
    }

    private static void refused(ToolOutcome outcome, String message) {
        assertThat(outcome.error()).as(outcome.text()).isTrue();
        assertThat(outcome.text()).contains(message);
        if (message.contains("is outside")) {
            assertThat(outcome.text()).contains(HINT);
        }
        assertThat(outcome.text()).doesNotContain("Exception").doesNotContain("top secret");
    }
}
