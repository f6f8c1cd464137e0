package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.cache.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Every profile and mode of {@code pyro mcp serve}, listed by the official TypeScript SDK client and
 * by the MCP Inspector CLI, against the spec's table (§4.2): names, order and counts, descriptions,
 * and the narrowed schemas.
 */
class McpToolSetsTest {

    private static final List<String> VM = List.of("vm_run", "vm_list_environments", "vm_create", "vm_start",
            "vm_exec", "vm_stop", "vm_delete", "vm_status", "vm_network_info", "vm_reap_expired");
    private static final List<String> CORE = List.of("workspace_create", "workspace_list", "workspace_update",
            "workspace_status", "workspace_sync_push", "workspace_exec", "workspace_logs", "workspace_summary",
            "workspace_file_list", "workspace_file_read", "workspace_file_write", "workspace_patch_apply",
            "workspace_diff", "workspace_export", "workspace_reset", "workspace_delete");
    private static final List<String> SHELLS = List.of("shell_open", "shell_read", "shell_write", "shell_signal",
            "shell_close");
    private static final List<String> SERVICES = List.of("service_start", "service_list", "service_status",
            "service_logs", "service_stop");
    private static final List<String> SNAPSHOTS = List.of("snapshot_create", "snapshot_list", "snapshot_delete");
    private static final List<String> INSPECT = List.of("workspace_create", "workspace_list", "workspace_update",
            "workspace_status", "workspace_exec", "workspace_logs", "workspace_summary", "workspace_file_list",
            "workspace_file_read", "workspace_export", "workspace_delete");

    /** The spec's table; workspace-full lacks the three disk tools until their SDK methods land (44 then). */
    static final Map<String, List<String>> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("--profile=vm-run", List.of("vm_run"));
        EXPECTED.put("--profile=workspace-core", concat(List.of("vm_run"), CORE));
        EXPECTED.put("--profile=workspace-full", concat(VM, CORE, List.of("workspace_stop", "workspace_start",
                "workspace_disk_export", "workspace_disk_list", "workspace_disk_read"), SHELLS, SERVICES, SNAPSHOTS));
        EXPECTED.put("--mode=repro-fix", CORE);
        EXPECTED.put("--mode=inspect", INSPECT);
        EXPECTED.put("--mode=cold-start", concat(INSPECT.subList(0, 10), List.of("workspace_reset",
                "workspace_delete"), SERVICES));
        EXPECTED.put("--mode=review-eval", concat(INSPECT.subList(0, 9), List.of("workspace_diff", "workspace_export",
                "workspace_reset", "workspace_delete"), SHELLS, SNAPSHOTS));
    }

    @TempDir(cleanup = CleanupMode.NEVER)
    Path tmp;

    /** The TypeScript client's listing of each surface, made once per class (one server start each). */
    private static final Map<List<String>, JsonNode> LISTED = new java.util.concurrent.ConcurrentHashMap<>();
    private static Path listings;

    @BeforeAll
    static void listingsDir() throws Exception {
        listings = Files.createTempDirectory("pyro-mcp-tool-sets-");
    }

    @AfterAll
    static void removeListings() throws Exception {
        EngineProcesses.stopEngine(listings.resolve("state"));
        FileTrees.deleteRecursively(listings);
    }

    @AfterEach
    void tearDown() throws Exception {
        EngineProcesses.stopEngine(tmp.resolve("state"));
        FileTrees.deleteRecursively(tmp);
    }

    @Test
    void countsMatchTheSpecTable() {
        assertThat(EXPECTED.values().stream().map(List::size).toList()).containsExactly(1, 17, 44, 16, 11, 17, 21);
    }

    @Test
    void typescriptClientListsEachSurfaceAsTheSpecSays() throws Exception {
        for (Map.Entry<String, List<String>> surface : EXPECTED.entrySet()) {
            JsonNode report = report(surface.getKey());
            assertThat(report.has("error")).as(surface.getKey() + ": " + report).isFalse();
            assertThat(names(report.get("tools"))).as(surface.getKey()).containsExactlyElementsOf(surface.getValue());
            assertThat(report.get("server").get("name").asString()).isEqualTo("pyro");
            for (JsonNode tool : report.get("tools")) {
                assertThat(tool.get("description").asString()).as(tool.get("name").asString()).hasSizeGreaterThan(60);
                assertThat(tool.get("inputSchema").get("type").asString()).isEqualTo("object");
            }
        }
    }

    @Test
    void schemasAreNarrowedOutsideWorkspaceFull() throws Exception {
        Map<String, JsonNode> full = byName(list("--profile=workspace-full"));
        assertThat(fields(full.get("workspace_create"))).contains("network_policy", "secrets", "seed_path");
        assertThat(fields(full.get("workspace_exec"))).contains("secret_env");
        assertThat(fields(full.get("service_start"))).contains("published_ports", "secret_env", "readiness");
        assertThat(fields(full.get("shell_open"))).contains("secret_env");

        Map<String, JsonNode> core = byName(list("--profile=workspace-core"));
        assertThat(fields(core.get("workspace_create"))).doesNotContain("network_policy", "secrets")
                .contains("environment", "seed_path", "name", "labels");
        assertThat(fields(core.get("workspace_exec"))).doesNotContain("secret_env");
        assertThat(required(core.get("workspace_create"))).containsExactly("environment");

        Map<String, JsonNode> cold = byName(list("--mode=cold-start"));
        assertThat(fields(cold.get("service_start"))).doesNotContain("published_ports", "secret_env");
        assertThat(cold.get("service_start").get("description").asString()).contains("Cold-start mode");
        Map<String, JsonNode> review = byName(list("--mode=review-eval"));
        assertThat(fields(review.get("shell_open"))).doesNotContain("secret_env");
        assertThat(review.get("snapshot_create").get("description").asString()).contains("Review-eval mode");
        Map<String, JsonNode> inspect = byName(list("--mode=inspect"));
        assertThat(fields(inspect.get("workspace_create"))).doesNotContain("network_policy", "secrets");
        assertThat(inspect.get("workspace_create").get("description").asString()).contains("no network");
        assertThat(core.get("workspace_create").get("description").asString()).doesNotContain("mode:");
    }

    @Test
    void environmentFlagMakesTheEnvironmentADefault() throws Exception {
        Map<String, JsonNode> tools = byName(list("--profile=workspace-core", "--environment=debian:12-build"));
        for (String name : List.of("workspace_create", "vm_run")) {
            assertThat(required(tools.get(name))).as(name).doesNotContain("environment");
            assertThat(tools.get(name).get("inputSchema").get("properties").get("environment").get("default")
                    .asString()).isEqualTo("debian:12-build");
        }
    }

    @Test
    void inspectorCliListsEachSurface() throws Exception {
        for (Map.Entry<String, List<String>> surface : EXPECTED.entrySet()) {
            JsonNode listed = McpPeers.inspector(serve(surface.getKey()),
                    Map.of("PYRO_STATE_DIR", tmp.resolve("state").toString()), "--method", "tools/list");
            assertThat(names(listed.get("tools"))).as(surface.getKey()).containsExactlyElementsOf(surface.getValue());
        }
    }

    @Test
    void modeAndNonDefaultProfileAreRefused() throws Exception {
        CliProcess.Result r = new CliProcess().env("PYRO_STATE_DIR", tmp.resolve("state").toString())
                .run("mcp", "serve", "--mode", "repro-fix", "--profile", "workspace-full");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--mode and --profile are mutually exclusive");
        assertThat(r.stdout()).isEmpty();
        CliProcess.Result unknown = new CliProcess().env("PYRO_STATE_DIR", tmp.resolve("state").toString())
                .run("mcp", "serve", "--mode", "fix-everything");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("--mode must be one of: repro-fix, inspect, cold-start, review-eval");
    }

    @Test
    void helpListsProfilesModesAndExamples() throws Exception {
        CliProcess.Result r = new CliProcess().run("mcp", "serve", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("Bare `pyro mcp serve` starts")
                .contains("workspace-full", "repro-fix", "inspect", "cold-start", "review-eval")
                .contains("--project-path", "--repo-url", "--repo-ref", "--no-project-source", "--environment", "--http")
                .contains("codex mcp add pyro -- pyro mcp serve --mode repro-fix");
        assertThat(r.stdout().lines()).allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
        assertThat(new CliProcess().run("--help").stdout()).contains("mcp").doesNotContain("MCP server for chat hosts (coming)");
    }

    private JsonNode list(String... flags) throws Exception {
        JsonNode report = report(flags);
        assertThat(report.has("error")).as(report.toString()).isFalse();
        return report.get("tools");
    }

    /**
     * The TypeScript client's report (tools/list) of {@code pyro mcp serve} with these flags: the
     * server is started and listed once per class, and every test that reads that surface reads
     * that one listing.
     */
    private static synchronized JsonNode report(String... flags) throws Exception {
        List<String> key = List.of(flags);
        JsonNode report = LISTED.get(key);
        if (report == null) {
            List<String> argv = serve(flags);
            report = McpPeers.client(listings, Map.of("transport", "stdio", "command", argv.get(0),
                    "args", argv.subList(1, argv.size()),
                    "env", Map.of("PYRO_STATE_DIR", listings.resolve("state").toString()), "listTools", true));
            LISTED.put(key, report);
        }
        return report;
    }

    static List<String> serve(String... flags) {
        List<String> args = new ArrayList<>(List.of("mcp", "serve", "--no-project-source"));
        for (String flag : flags) {
            args.addAll(List.of(flag.split("=", 2)));
        }
        return McpPeers.pyroCommand(args.toArray(String[]::new));
    }

    private static List<String> names(JsonNode tools) {
        List<String> names = new ArrayList<>();
        tools.forEach(t -> names.add(t.get("name").asString()));
        return names;
    }

    private static Map<String, JsonNode> byName(JsonNode tools) {
        Map<String, JsonNode> map = new LinkedHashMap<>();
        tools.forEach(t -> map.put(t.get("name").asString(), t));
        return map;
    }

    private static List<String> fields(JsonNode tool) {
        List<String> names = new ArrayList<>();
        tool.get("inputSchema").get("properties").propertyNames().forEach(names::add);
        return names;
    }

    private static List<String> required(JsonNode tool) {
        List<String> names = new ArrayList<>();
        JsonNode req = tool.get("inputSchema").get("required");
        if (req != null) {
            req.forEach(n -> names.add(n.asString()));
        }
        return names;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        return Stream.of(parts).flatMap(List::stream).toList();
    }
}
