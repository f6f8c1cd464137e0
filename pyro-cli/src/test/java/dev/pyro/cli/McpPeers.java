package dev.pyro.cli;

import dev.pyro.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The real MCP peers of the tests: the official TypeScript SDK client ({@code src/test/node/mcp-client.cjs})
 * and the MCP Inspector CLI, installed once per package.json into the user's cache by
 * {@code src/test/node/install-peers.sh}.
 */
public final class McpPeers {

    public static final Path NODE_DIR = Path.of("src/test/node").toAbsolutePath();
    private static Path installed;

    private McpPeers() {
    }

    /** The install dir (with node_modules); skips the test when node or npm is missing. */
    public static synchronized Path install() throws IOException, InterruptedException {
        if (installed == null) {
            if (!onPath("node") || !onPath("npm")) {
                throw new AssertionError("node and npm are needed for the MCP peer tests (Debian: apt-get install nodejs npm)");
            }
            CliProcess.Result r = run(List.of("bash", NODE_DIR.resolve("install-peers.sh").toString()), null, 600);
            if (r.exitCode() != 0) {
                throw new AssertionError("installing the MCP test peers failed:\n" + r.stderr());
            }
            installed = Path.of(r.stdout().trim());
        }
        return installed;
    }

    /** The argv that starts {@code pyro} (the CLI of this build) in its own JVM. */
    public static List<String> pyroCommand(String... args) {
        return CliJvm.command(args);
    }

    /** As {@link #pyroCommand}, but the same build as the test JVM, so it uses the engine the test started ({@link CliJvm#sameBuildCommand}). */
    public static List<String> sameBuildPyroCommand(String... args) {
        return CliJvm.sameBuildCommand(args);
    }

    /** Runs the TypeScript SDK client with a plan (see mcp-client.cjs) and returns its JSON report. */
    static JsonNode client(Path workDir, Map<String, Object> plan) throws IOException, InterruptedException {
        Path dir = install();
        Path planFile = Files.createTempFile(workDir, "plan-", ".json");
        Files.writeString(planFile, Json.MAPPER.writeValueAsString(plan));
        CliProcess.Result r = run(List.of("node", NODE_DIR.resolve("mcp-client.cjs").toString(), planFile.toString()),
                Map.of("NODE_PATH", dir.resolve("node_modules").toString()), 900);
        if (r.stdout().isBlank()) {
            throw new AssertionError("the MCP client printed nothing (exit " + r.exitCode() + "):\n" + r.stderr());
        }
        JsonNode report = Json.MAPPER.readTree(r.stdout());
        report = ((tools.jackson.databind.node.ObjectNode) report).put("stderr", r.stderr());
        return report;
    }

    /** Runs {@code mcp-inspector --cli <server argv> <inspector args>} and returns its stdout as JSON. */
    static JsonNode inspector(List<String> server, Map<String, String> env, String... inspectorArgs)
            throws IOException, InterruptedException {
        Path dir = install();
        List<String> argv = new ArrayList<>(List.of("node",
                dir.resolve("node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js").toString(),
                "--cli"));
        for (Map.Entry<String, String> e : env.entrySet()) {
            argv.addAll(List.of("-e", e.getKey() + "=" + e.getValue()));
        }
        argv.addAll(server);
        argv.addAll(List.of(inspectorArgs));
        CliProcess.Result r = run(argv, Map.of(), 300);
        if (r.exitCode() != 0) {
            throw new AssertionError("mcp-inspector --cli failed (" + r.exitCode() + "):\n" + r.stdout() + r.stderr());
        }
        return Json.MAPPER.readTree(r.stdout());
    }

    static CliProcess.Result run(List<String> argv, Map<String, String> env, long timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (env != null) {
            pb.environment().putAll(env);
        }
        return CliProcess.finish(pb.start(), timeoutSeconds, argv.get(0));
    }

    private static boolean onPath(String program) {
        try {
            return new ProcessBuilder("sh", "-c", "command -v " + program).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
