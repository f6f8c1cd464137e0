package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.json.Json;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The stdio transport under bad input, byte for byte: a malformed line gets a JSON-RPC parse error
 * and the server keeps serving; stdout carries only protocol; replies in flight at stdin EOF arrive.
 */
class McpStdioTransportTest {

    @TempDir(cleanup = CleanupMode.NEVER)
    Path tmp;

    @AfterEach
    void tearDown() throws Exception {
        EngineProcesses.stopEngine(tmp.resolve("state"));
        FileTrees.deleteRecursively(tmp);
    }

    @Test
    void malformedLineGetsParseErrorThenValidRequestsAreServedAndInFlightRepliesFlushAtEof() throws Exception {
        Process server = new CliProcess().env("PYRO_STATE_DIR", tmp.resolve("state").toString())
                .start("mcp", "serve", "--no-project-source");
        try (OutputStream in = server.getOutputStream()) {
            for (String line : List.of(
                    "{this is not json",
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}",
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                    "{\"foo\":1,\"id\":7}",
                    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                    // starts the engine daemon: still running when stdin closes right below
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"workspace_list\","
                            + "\"arguments\":{}}}")) {
                in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        CliProcess.Result result = CliProcess.finish(server, 120);
        assertThat(result.exitCode()).as(result.stderr()).isZero();

        List<JsonNode> lines = new ArrayList<>();
        for (String line : result.stdout().split("\n")) {
            JsonNode node = Json.MAPPER.readTree(line); // every stdout line is protocol
            assertThat(node.get("jsonrpc").asString()).as(line).isEqualTo("2.0");
            lines.add(node);
        }
        JsonNode parseError = lines.get(0);
        assertThat(parseError.get("error").get("code").asInt()).isEqualTo(-32700);
        assertThat(parseError.get("id").isNull()).isTrue();
        assertThat(byId(lines, 7).get("error").get("code").asInt()).isEqualTo(-32600);
        assertThat(byId(lines, 1).get("result").get("serverInfo").get("name").asString()).isEqualTo("pyro");
        assertThat(byId(lines, 2).get("result").get("tools")).hasSize(17);
        JsonNode listed = byId(lines, 3).get("result");
        assertThat(listed.get("isError").asBoolean()).isFalse();
        assertThat(listed.get("structuredContent").get("count").asInt()).isZero();
        assertThat(listed.get("content").get(0).get("text").asString()).contains("\"count\":0");
        assertThat(result.stderr()).contains("[mcp] surface=workspace-core tools=17");
    }

    private static JsonNode byId(List<JsonNode> lines, int id) {
        return lines.stream().filter(n -> n.has("id") && n.get("id").isNumber() && n.get("id").asInt() == id)
                .findFirst().orElseThrow(() -> new AssertionError("no reply with id " + id + " in " + lines));
    }
}
