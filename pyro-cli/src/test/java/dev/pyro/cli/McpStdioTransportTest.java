package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.cache.FileTrees;
import dev.pyro.api.Json;
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

    /**
     * Hostile JSON-RPC over stdio: wrong shapes, unknown methods, tools and fields each get an
     * error and the server keeps serving; a secret used through MCP never appears in any byte the
     * server writes (stdout or stderr), only [REDACTED].
     */
    @Test
    void hostileRequestsGetErrorsAndASecretNeverLeavesTheServer() throws Exception {
        String secret = "s3cr3t-mcp-value-8861";
        Process server = new CliProcess().env("PYRO_STATE_DIR", tmp.resolve("state").toString())
                .start("mcp", "serve", "--no-project-source", "--profile", "workspace-full");
        List<String> hostile = List.of(
                "[]",
                "42",
                "{\"jsonrpc\":\"1.0\",\"id\":20,\"method\":\"tools/list\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":{\"x\":1},\"method\":\"tools/list\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":21,\"method\":\"no/such/method\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":22,\"method\":\"tools/call\",\"params\":\"not an object\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":23,\"method\":\"tools/call\",\"params\":{\"name\":\"no_such_tool\","
                        + "\"arguments\":{}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":24,\"method\":\"tools/call\",\"params\":{\"name\":\"workspace_status\","
                        + "\"arguments\":{\"workspace_id\":\"0123456789ab\",\"bogus_field\":1}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":25,\"method\":\"tools/call\",\"params\":{\"name\":\"workspace_exec\","
                        + "\"arguments\":{\"workspace_id\":7,\"command\":[\"true\"]}}}",
                // params the SDK cannot read: its -32603 named Jackson and SDK classes
                "{\"jsonrpc\":\"2.0\",\"id\":26,\"method\":\"tools/call\",\"params\":{\"name\":\"workspace_list\","
                        + "\"arguments\":\"nope\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":27,\"method\":\"tools/call\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":28,\"method\":\"initialize\",\"params\":5}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"str-id\",\"method\":\"tools/list\"}");
        List<JsonNode> lines = new ArrayList<>();
        StringBuilder transcript = new StringBuilder();
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(),
                StandardCharsets.UTF_8));
        OutputStream in = server.getOutputStream();
        // one request at a time, as a chat host sends them (the server runs calls concurrently)
        java.util.function.BiFunction<Integer, String, JsonNode> call = (id, line) -> {
            try {
                write(in, line);
                while (true) {
                    String reply = out.readLine();
                    assertThat(reply).as("the server ended early: " + transcript).isNotNull();
                    transcript.append(reply).append('\n');
                    JsonNode node = Json.MAPPER.readTree(reply);
                    lines.add(node);
                    if (node.has("id") && node.get("id").isNumber() && node.get("id").asInt() == id) {
                        return node;
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        call.apply(1, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
        write(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        for (String line : hostile) {
            write(in, line);
        }
        JsonNode created = call.apply(30, "{\"jsonrpc\":\"2.0\",\"id\":30,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"workspace_create\",\"arguments\":{\"environment\":\"debian:12\",\"secrets\":"
                + "[{\"name\":\"API_TOKEN\",\"value\":\"" + secret + "\"}]}}}");
        assertThat(created.get("result").get("isError").asBoolean()).as(created.toString()).isFalse();
        String workspaceId = created.get("result").get("structuredContent").get("workspace_id").asString();
        call.apply(31, "{\"jsonrpc\":\"2.0\",\"id\":31,\"method\":\"tools/call\",\"params\":{\"name\":\"workspace_exec\","
                + "\"arguments\":{\"workspace_id\":\"" + workspaceId + "\",\"command\":\"echo $API_TOKEN; "
                + "cat /run/pyro-secrets/API_TOKEN; exit 3\",\"secret_env\":{\"API_TOKEN\":\"API_TOKEN\"}}}}");
        call.apply(32, "{\"jsonrpc\":\"2.0\",\"id\":32,\"method\":\"tools/call\",\"params\":{\"name\":\"workspace_logs\","
                + "\"arguments\":{\"workspace_id\":\"" + workspaceId + "\"}}}");
        call.apply(33, "{\"jsonrpc\":\"2.0\",\"id\":33,\"method\":\"tools/call\",\"params\":{\"name\":\"workspace_exec\","
                + "\"arguments\":{\"workspace_id\":\"" + workspaceId + "\",\"command\":\"test \\\"$(cat "
                + "/run/pyro-secrets/API_TOKEN)\\\" = " + secret + " && echo holds\"}}}");
        call.apply(34, "{\"jsonrpc\":\"2.0\",\"id\":34,\"method\":\"tools/call\",\"params\":{\"name\":\"workspace_delete\","
                + "\"arguments\":{\"workspace_id\":\"" + workspaceId + "\"}}}");
        in.close();
        for (String line = out.readLine(); line != null; line = out.readLine()) { // replies still in flight
            transcript.append(line).append('\n');
            lines.add(Json.MAPPER.readTree(line));
        }
        assertThat(server.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String stderr = new String(server.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String all = transcript.toString();

        int errors = 0;
        for (int id : List.of(20, 21)) {
            assertThat(byId(lines, id).has("error")).as("id %d", id).isTrue();
            errors++;
        }
        for (int id : List.of(23, 24, 25)) {
            JsonNode reply = byId(lines, id);
            assertThat(reply.has("error") || reply.get("result").get("isError").asBoolean()).as("id %d", id).isTrue();
            errors++;
        }
        for (int id : List.of(22, 26, 27, 28)) {
            assertThat(byId(lines, id).get("error").get("code").asInt()).as("id %d", id).isEqualTo(-32602);
            errors++;
        }
        assertThat(byId(lines, 26).get("error").get("message").asString())
                .isEqualTo("Invalid params: tools/call: \"arguments\" must be an object of the tool's arguments");
        assertThat(all).as("no Java names reach the client").doesNotContain("jackson", "modelcontextprotocol",
                "java.", "Exception", "$CallToolRequest");
        assertThat(lines.stream().anyMatch(n -> n.has("id") && "str-id".equals(n.get("id").asString(null))
                && n.has("result"))).isTrue();
        assertThat(byId(lines, 31).get("result").get("isError").asBoolean()).as(byId(lines, 31).toString()).isFalse();
        JsonNode exec = byId(lines, 31).get("result").get("structuredContent");
        assertThat(exec.get("exit_code").asInt()).isEqualTo(3);
        assertThat(exec.get("stdout").asString()).isEqualTo("[REDACTED]\n[REDACTED]"); // the file has no newline
        assertThat(byId(lines, 33).get("result").get("structuredContent").get("stdout").asString())
                .isEqualTo("holds\n"); // the guest has the real value
        assertThat(byId(lines, 34).get("result").get("isError").asBoolean()).isFalse();
        assertThat(all).doesNotContain(secret.substring(0, 12)).contains("[REDACTED]");
        assertThat(stderr).doesNotContain(secret.substring(0, 12));
        System.out.printf("hostile JSON-RPC: %d lines, %d error replies, server kept serving; secret in 0 of %d "
                + "reply lines%n", hostile.size(), errors, lines.size());
    }

    private static void write(OutputStream in, String line) throws java.io.IOException {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static JsonNode byId(List<JsonNode> lines, int id) {
        return lines.stream().filter(n -> n.has("id") && n.get("id").isNumber() && n.get("id").asInt() == id)
                .findFirst().orElseThrow(() -> new AssertionError("no reply with id " + id + " in " + lines));
    }
}
