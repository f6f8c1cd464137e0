package dev.pyro.cli.smoke;

import dev.pyro.cli.McpPeers;
import dev.pyro.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * A chat host's session: the official TypeScript MCP client ({@code src/test/node/mcp-session.cjs})
 * spawns {@code pyro mcp serve ARGS} in {@code cwd} over stdio and forwards one tool call per line.
 */
public final class McpSessionDriver implements SmokeDriver {

    private final Process node;
    private final Writer toNode;
    private final BufferedReader fromNode;
    private final JsonNode hello;

    private McpSessionDriver(Process node, BufferedReader fromNode, JsonNode hello) {
        this.node = node;
        this.toNode = node.outputWriter(StandardCharsets.UTF_8);
        this.fromNode = fromNode;
        this.hello = hello;
    }

    /** Starts {@code pyro mcp serve serveArgs} in {@code cwd} (the project a host was started in). */
    public static McpSessionDriver start(Path workDir, Path cwd, Map<String, String> env, String... serveArgs)
            throws IOException, InterruptedException {
        return start(workDir, cwd, env, List.of(), serveArgs);
    }

    /** As above, the server's command prefixed by {@code wrapper} (e.g. {@code setpriv ...} to drop privileges). */
    public static McpSessionDriver start(Path workDir, Path cwd, Map<String, String> env, List<String> wrapper,
                                         String... serveArgs) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("mcp", "serve"));
        argv.addAll(List.of(serveArgs));
        List<String> command = new ArrayList<>(wrapper);
        // The smoke tests' engine is the test JVM's (started with its full rights): a server of
        // another build would replace it with one of its own, without them (under setpriv).
        command.addAll(McpPeers.sameBuildPyroCommand(argv.toArray(String[]::new)));
        return startCommand(workDir, cwd, env, command);
    }

    /** Starts exactly {@code command} as the server, e.g. the one a chat host recorded in its config. */
    public static McpSessionDriver startCommand(Path workDir, Path cwd, Map<String, String> env, List<String> command)
            throws IOException, InterruptedException {
        Path peers = McpPeers.install();
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("command", command.get(0));
        server.put("args", command.subList(1, command.size()));
        server.put("cwd", cwd.toString());
        server.put("env", env);
        Path serverFile = Files.createTempFile(workDir, "mcp-server-", ".json");
        Files.writeString(serverFile, Json.MAPPER.writeValueAsString(server));
        ProcessBuilder pb = new ProcessBuilder("node", McpPeers.NODE_DIR.resolve("mcp-session.cjs").toString(),
                serverFile.toString());
        pb.environment().put("NODE_PATH", peers.resolve("node_modules").toString());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process node = pb.start();
        BufferedReader reader = node.inputReader(StandardCharsets.UTF_8);
        String first = reader.readLine();
        if (first == null) {
            node.destroyForcibly();
            throw new AssertionError("the MCP client exited before connecting (exit " + node.waitFor() + ")");
        }
        JsonNode hello = Json.MAPPER.readTree(first);
        if (hello.has("error")) {
            node.destroyForcibly();
            throw new AssertionError("the MCP client could not connect to pyro mcp serve: " + hello.get("error"));
        }
        return new McpSessionDriver(node, reader, hello);
    }

    /** The initialize answer: {ready, server, instructions, tools}. */
    public JsonNode hello() {
        return hello;
    }

    @Override
    public String kind() {
        return "mcp";
    }

    @Override
    public synchronized Reply attempt(String tool, Map<String, Object> args) {
        try {
            toNode.write(Json.MAPPER.writeValueAsString(Map.of("tool", tool, "args", args)) + "\n");
            toNode.flush();
            String line = fromNode.readLine();
            if (line == null) {
                throw new AssertionError("the MCP session ended during " + tool);
            }
            JsonNode reply = Json.MAPPER.readTree(line);
            if (reply.has("error")) {
                throw new AssertionError("MCP protocol error during " + tool + ": " + reply.get("error").asString());
            }
            return new Reply(reply.get("structuredContent"), reply.path("text").asString(""),
                    reply.get("isError").asBoolean());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            toNode.close();
            if (!node.waitFor(60, TimeUnit.SECONDS)) {
                node.descendants().forEach(ProcessHandle::destroyForcibly);
                node.destroyForcibly();
            }
        } catch (IOException e) {
            node.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            node.destroyForcibly();
        }
    }
}
