package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.api.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * What {@code pyro host connect} leaves behind really starts pyro's MCP server: each host's own
 * health check connects to it where the host has one (Claude Code, OpenCode), and the exact
 * command each host recorded, started as the host would, lists the mode's tools.
 */
class HostServerStartTest {

    private static final List<String> REPRO_FIX_SOME_TOOLS = List.of("workspace_create", "workspace_exec",
            "workspace_patch_apply", "workspace_diff", "workspace_reset", "workspace_delete");

    @TempDir
    Path dir;

    @Test
    void claudeCodeConnectsToTheServerItWasGivenAndItsCommandListsTheTools() throws Exception {
        HostPeers.User user = HostPeers.user(dir, true);
        assertThat(user.pyroJson("host", "connect", "claude-code", "--mode", "repro-fix", "--no-project-source")
                .path("action").asString()).isEqualTo("added");

        // `claude mcp get` health-checks the entry: it starts the server and completes the handshake.
        CliProcess.Result get = user.host("claude", "mcp", "get", "pyro");
        assertThat(get.exitCode()).as(get.all()).isZero();
        assertThat(get.stdout()).contains("Connected").doesNotContain("Failed");

        JsonNode server = Json.MAPPER.readTree(Files.readString(user.home().resolve(".claude.json")))
                .path("mcpServers").path("pyro");
        List<String> argv = new ArrayList<>(List.of(server.path("command").asString()));
        server.path("args").forEach(a -> argv.add(a.asString()));
        assertThat(listTools(argv, user)).hasSize(16).containsAll(REPRO_FIX_SOME_TOOLS);
    }

    @Test
    void codexRecordedCommandFromItsOwnConfigListsTheTools() throws Exception {
        // Codex starts MCP servers only inside a model session (login and network), so this test
        // starts the command exactly as Codex reports it from the config.toml it reads.
        HostPeers.User user = HostPeers.user(dir, true);
        user.pyroJson("host", "connect", "codex", "--mode", "repro-fix", "--no-project-source");
        CliProcess.Result get = user.host("codex", "mcp", "get", "pyro", "--json");
        assertThat(get.exitCode()).as(get.all()).isZero();
        JsonNode transport = Json.MAPPER.readTree(get.stdout()).path("transport");
        List<String> argv = new ArrayList<>(List.of(transport.path("command").asString()));
        transport.path("args").forEach(a -> argv.add(a.asString()));
        assertThat(argv.get(0)).isEqualTo(user.launcher().toString());
        assertThat(listTools(argv, user)).hasSize(16).containsAll(REPRO_FIX_SOME_TOOLS);
    }

    @Test
    void openCodeConnectsToTheServerInItsConfigAndThatCommandListsTheTools() throws Exception {
        HostPeers.User user = HostPeers.user(dir, true);
        user.pyroJson("host", "connect", "opencode", "--mode", "inspect", "--no-project-source");

        CliProcess.Result list = user.host("opencode", "mcp", "list");
        assertThat(list.exitCode()).as(list.all()).isZero();
        assertThat(list.all()).containsPattern("pyro\\S*\\s*(\\e\\[[0-9;]*m)?connected")
                .contains(user.launcher() + " mcp serve --mode inspect");

        JsonNode entry = Json.MAPPER.readTree(Files.readString(user.home().resolve(".config/opencode/opencode.json")))
                .path("mcp").path("pyro");
        List<String> argv = new ArrayList<>();
        entry.path("command").forEach(a -> argv.add(a.asString()));
        // inspect: read and probe, no patching or service tools.
        assertThat(listTools(argv, user)).hasSize(11).contains("workspace_create", "workspace_exec")
                .doesNotContain("workspace_patch_apply", "service_start");
    }

    /** A minimal MCP client over stdio: initialize, initialized, tools/list; the tool names. */
    private static List<String> listTools(List<String> argv, HostPeers.User user) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(user.home().toFile());
        pb.environment().putAll(user.env());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process server = pb.start();
        try {
            OutputStream in = server.getOutputStream();
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            send(in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                    + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"pyro-host-test\",\"version\":\"1\"}}}");
            JsonNode init = reply(out, 1);
            assertThat(init.path("result").path("serverInfo").path("name").asString()).isNotEmpty();
            send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            send(in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
            JsonNode tools = reply(out, 2).path("result").path("tools");
            List<String> names = new ArrayList<>();
            tools.forEach(t -> names.add(t.path("name").asString()));
            in.close();
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("server exits at stdin EOF").isTrue();
            return names;
        } finally {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
    }

    private static void send(OutputStream in, String line) throws Exception {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static JsonNode reply(BufferedReader out, int id) throws Exception {
        CompletableFuture<JsonNode> found = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    JsonNode message = Json.MAPPER.readTree(line);
                    if (message.path("id").asInt(-1) == id) {
                        return message;
                    }
                }
                throw new AssertionError("the server closed stdout before answering request " + id);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return found.get(120, TimeUnit.SECONDS);
    }
}
