package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.cache.FileTrees;
import dev.pyro.api.Json;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 17 item 1 over MCP: a hostile client's workspace ids that are paths ({@code ../}, absolute,
 * {@code a/b}) get a tool error naming {@code workspace_id}; the directory they point at, its
 * {@code workspace.json} and the processes naming it are left alone.
 */
class McpWorkspaceIdTest {

    @TempDir(cleanup = CleanupMode.NEVER)
    Path tmp;
    Process bystander;

    @AfterEach
    void tearDown() throws Exception {
        if (bystander != null) {
            bystander.descendants().forEach(ProcessHandle::destroyForcibly); // sh's sleep, not only sh
            bystander.destroyForcibly();
        }
        EngineProcesses.stopEngine(tmp.resolve("state"));
        FileTrees.deleteRecursively(tmp);
    }

    @Test
    void workspaceIdsThatArePathsAreRefusedAndTouchNothing() throws Exception {
        Path victim = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(victim.resolve("workspace.json"), "{\"version\": 2}\n");
        bystander = new ProcessBuilder("sh", "-c", "sleep 600", victim.toString()).start();
        List<Map<String, Object>> calls = List.of(
                Map.of("name", "workspace_delete", "arguments", Map.of("workspace_id", "../../project")),
                Map.of("name", "workspace_delete", "arguments", Map.of("workspace_id", victim.toString())),
                Map.of("name", "workspace_exec", "arguments", Map.of("workspace_id", victim.toString(),
                        "command", "touch " + victim.resolve("pwned"))),
                Map.of("name", "workspace_reset", "arguments", Map.of("workspace_id", "a/b")),
                Map.of("name", "workspace_status", "arguments", Map.of("workspace_id", "../../project/")));
        Process server = new CliProcess().env("PYRO_STATE_DIR", tmp.resolve("state").toString())
                .start("mcp", "serve", "--no-project-source");
        try (OutputStream in = server.getOutputStream()) {
            List<String> lines = new ArrayList<>(List.of(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"));
            for (int i = 0; i < calls.size(); i++) {
                lines.add(Json.MAPPER.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 10 + i,
                        "method", "tools/call", "params", calls.get(i))));
            }
            for (String line : lines) {
                in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        CliProcess.Result result = CliProcess.finish(server, 120);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        int answered = 0;
        for (String line : result.stdout().split("\n")) {
            JsonNode node = Json.MAPPER.readTree(line);
            if (!node.has("id") || node.get("id").asInt() < 10) {
                continue;
            }
            answered++;
            JsonNode reply = node.get("result");
            assertThat(reply.get("isError").asBoolean()).as(line).isTrue();
            assertThat(reply.get("content").get(0).get("text").asString()).as(line)
                    .contains("workspace_id must be 12 lowercase hex characters");
        }
        assertThat(answered).isEqualTo(calls.size());
        assertThat(victim.resolve("workspace.json")).hasContent("{\"version\": 2}");
        assertThat(victim.resolve("pwned")).doesNotExist();
        assertThat(bystander.isAlive()).isTrue();
        assertThat(tmp.resolve("state/project.lock")).doesNotExist();
    }

    /** The CLI path: the same error line, exit 2, no stack trace, nothing touched. */
    @Test
    void theCliRefusesAPathAsAWorkspaceId() throws Exception {
        Path victim = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(victim.resolve("workspace.json"), "{\"version\": 2}\n");
        CliProcess cli = new CliProcess().env("PYRO_STATE_DIR", tmp.resolve("state").toString());
        for (String[] args : List.of(new String[] {"workspace", "delete", victim.toString()},
                new String[] {"workspace", "reset", "../../project"},
                new String[] {"workspace", "exec", "a/b", "--", "id"},
                new String[] {"workspace", "shell", "read", "0123456789ab", "../x"})) {
            CliProcess.Result result = cli.run(args);
            assertThat(result.exitCode()).as(String.join(" ", args) + ": " + result.stderr()).isEqualTo(2);
            assertThat(result.stderr()).startsWith("error: ").contains(" must be 12 lowercase hex characters")
                    .doesNotContain("Exception").doesNotContain("\tat ");
        }
        assertThat(victim.resolve("workspace.json")).exists();
    }
}
