package dev.pyro.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.mcp.tools.ToolDef;
import dev.pyro.mcp.tools.ToolOutcome;
import dev.pyro.sdk.Pyro;
import dev.pyro.sdk.SdkFixture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The MCP surface byte for byte, against golden files captured from the code before the move to
 * pyro-mcp (issue 16 item 4): tools/list (names, descriptions, input schemas, key order) and the
 * initialize instructions over the stdio wire for every profile and mode, with and without a default
 * environment and a project source; the tool error for each kind of bad argument to each tool, and
 * which argument the error names when several are bad (the order arguments are checked in).
 * Run with -Dpyro.golden.write=true to (re)write the files (only when a change is meant).
 */
class McpGoldenTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @Test
    void toolsListAndInstructionsAreUnchanged() throws Exception {
        StringBuilder out = new StringBuilder();
        try (SdkFixture fixture = new SdkFixture(); Pyro pyro = Pyro.embedded(fixture.paths)) {
            for (McpSurface surface : McpSurface.values()) {
                for (boolean defaults : List.of(false, true)) {
                    McpServerOptions options = McpServerOptions.of(surface);
                    options = defaults ? options.withEnvironment("debian:12-build")
                            .withRepo("https://example.invalid/project.git", "main")
                            : options.withoutProjectSource();
                    PyroMcpServer server = pyro.createServer(options);
                    Map<Integer, JsonNode> replies = overStdio(server);
                    out.append("# ").append(surface.id()).append(defaults ? " environment+repo" : "").append('\n');
                    out.append(JSON.writeValueAsString(replies.get(1).get("result").get("instructions"))).append('\n');
                    out.append(JSON.writeValueAsString(replies.get(2).get("result"))).append('\n');
                }
            }
        }
        check("tools-list.txt", out.toString());
    }

    @Test
    void argumentErrorsAreUnchanged() throws Exception {
        StringBuilder out = new StringBuilder();
        try (SdkFixture fixture = new SdkFixture(); Pyro pyro = Pyro.embedded(fixture.paths)) {
            for (McpSurface surface : List.of(McpSurface.WORKSPACE_FULL, McpSurface.INSPECT)) {
                PyroMcpServer server = pyro.createServer(McpServerOptions.of(surface).withoutProjectSource());
                for (ToolDef tool : server.tools()) {
                    for (Map<String, Object> args : badCalls(tool)) {
                        ToolOutcome outcome = server.call(tool.name(), args);
                        out.append(surface.id()).append(' ').append(tool.name()).append(' ')
                                .append(JSON.writeValueAsString(args)).append("\n  ").append(outcome.error())
                                .append(' ').append(outcome.structured().get("kind")).append(' ')
                                .append(outcome.text().replace(fixture.state.toString(), "<STATE>")).append('\n');
                    }
                }
            }
            PyroMcpServer withDefault = pyro.createServer(McpServerOptions.of(McpSurface.WORKSPACE_CORE)
                    .withEnvironment("debian:12").withoutProjectSource());
            for (String tool : List.of("vm_run", "workspace_create")) {
                ToolOutcome outcome = withDefault.call(tool, Map.of("environment", 5, "command", "true"));
                out.append("workspace-core(debian:12) ").append(tool).append("\n  ").append(outcome.text()).append('\n');
            }
        }
        check("argument-errors.txt", out.toString());
    }

    @Test
    void errorsForSeveralBadArgumentsAreUnchanged() throws Exception {
        StringBuilder out = new StringBuilder();
        try (SdkFixture fixture = new SdkFixture(); Pyro pyro = Pyro.embedded(fixture.paths)) {
            PyroMcpServer server = pyro.createServer(McpServerOptions.of(McpSurface.WORKSPACE_FULL)
                    .withoutProjectSource());
            for (ToolDef tool : server.tools()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> props = (Map<String, Object>) tool.inputSchema().get("properties");
                if (props.isEmpty()) {
                    continue; // nothing to get wrong; the call would reach the engine
                }
                Map<String, Object> allBad = new LinkedHashMap<>();
                Map<String, Object> compatFirst = new LinkedHashMap<>();
                for (Map.Entry<String, Object> p : props.entrySet()) {
                    @SuppressWarnings("unchecked")
                    String type = String.valueOf(((Map<String, Object>) p.getValue()).get("type"));
                    Object bad = switch (type) {
                        case "string" -> 5;
                        case "integer", "boolean", "object" -> "x";
                        default -> 5;
                    };
                    allBad.put(p.getKey(), bad);
                    compatFirst.put(p.getKey(), p.getKey().equals("allow_host_compat") ? true
                            : p.getKey().equals("environment") ? "x" : p.getKey().equals("seed_path") ? "/etc" : bad);
                }
                List<Map<String, Object>> calls = new ArrayList<>(List.of(allBad, compatFirst));
                for (String key : props.keySet()) {
                    Map<String, Object> fromHere = new LinkedHashMap<>(allBad);
                    props.keySet().stream().takeWhile(k -> !k.equals(key)).forEach(fromHere::remove);
                    calls.add(fromHere);
                    Map<String, Object> upToHere = new LinkedHashMap<>(allBad);
                    upToHere.keySet().removeIf(k -> !props.keySet().stream().takeWhile(x -> !x.equals(key)).toList()
                            .contains(k) && !k.equals(key));
                    calls.add(upToHere);
                }
                if (props.containsKey("seed_path")) {
                    calls.add(new LinkedHashMap<>(Map.of("environment", "x", "seed_path", "/etc", "name", 5)));
                    calls.add(new LinkedHashMap<>(Map.of("environment", "x", "seed_path", "/etc",
                            "allow_host_compat", true)));
                }
                if (props.containsKey("source_path")) {
                    calls.add(new LinkedHashMap<>(Map.of("workspace_id", "x", "source_path", "/etc", "dest", 5)));
                }
                if (props.containsKey("allow_host_compat")) {
                    calls.add(new LinkedHashMap<>(Map.of("allow_host_compat", true)));
                }
                for (Map<String, Object> args : calls) {
                    ToolOutcome outcome = server.call(tool.name(), args);
                    out.append(tool.name()).append(' ').append(new java.util.TreeMap<>(args)).append("\n  ")
                            .append(outcome.text().replace(fixture.state.toString(), "<STATE>")).append('\n');
                }
            }
        }
        check("argument-order.txt", out.toString());
    }

    /** Calls that each fail before reaching the engine: missing, blank, null, mistyped and unknown arguments. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> badCalls(ToolDef tool) {
        Map<String, Object> props = (Map<String, Object>) tool.inputSchema().get("properties");
        List<String> required = (List<String>) tool.inputSchema().getOrDefault("required", List.of());
        Map<String, Object> valid = new LinkedHashMap<>();
        required.forEach(r -> valid.put(r, "x"));
        List<Map<String, Object>> calls = new ArrayList<>();
        if (!required.isEmpty()) {
            calls.add(Map.of());
            for (String r : required) {
                calls.add(with(valid, r, ""));
                calls.add(with(valid, r, " "));
                calls.add(with(valid, r, null));
            }
        }
        calls.add(with(valid, "bogus", 1));
        calls.add(with(valid, "secrets", 1));
        for (Map.Entry<String, Object> p : props.entrySet()) {
            String type = String.valueOf(((Map<String, Object>) p.getValue()).get("type"));
            List<Object> bad = switch (type) {
                case "string" -> List.of(5, true, List.of("a"));
                case "integer" -> List.of("x", 1.5, true, 3_000_000_000L);
                case "boolean" -> List.of("x", 1);
                case "object" -> List.of("x", 5, List.of(), Map.of("a", 1));
                case "array" -> List.of(5, "x", List.of(1), List.of(Map.of("bad", 1)));
                default -> List.of();
            };
            for (Object value : bad) {
                calls.add(with(valid, p.getKey(), value));
            }
        }
        return calls;
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> args = new LinkedHashMap<>(base);
        args.put(key, value);
        return args;
    }

    /** initialize (id 1) and tools/list (id 2) over the stdio transport, as a client sees them. */
    private static Map<Integer, JsonNode> overStdio(PyroMcpServer server) throws Exception {
        String input = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"golden\",\"version\":\"1\"}}}\n"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        server.serveStdio(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), bytes);
        Map<Integer, JsonNode> replies = new LinkedHashMap<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode reply = JSON.readTree(line);
            if (reply.has("id")) {
                replies.put(reply.get("id").asInt(), reply);
            }
        }
        assertThat(replies).containsKeys(1, 2);
        return replies;
    }

    private static void check(String name, String actual) throws Exception {
        Path file = GOLDEN.resolve(name);
        Files.createDirectories(Path.of("target/golden-actual"));
        Files.writeString(Path.of("target/golden-actual").resolve(name), actual); // to diff by hand
        if (Boolean.getBoolean("pyro.golden.write")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, actual);
        }
        assertThat(actual).isEqualTo(Files.readString(file));
    }
}
