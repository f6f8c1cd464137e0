package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.cache.FileTrees;
import dev.pyro.test.SandboxTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The repro-fix story through MCP, driven by the official TypeScript SDK client against real gVisor
 * workspaces: bare {@code pyro mcp serve --mode repro-fix} in a Git checkout seeds from its tracked
 * files; then read, reproduce, patch, rerun, diff, export, delete. And a clean clone at a ref.
 */
@SandboxTest
class McpReproFixStoryTest {

    private static final String BUGGY = "add() { echo $(($1 - $2)); }\n";
    private static final String FIXED = "add() { echo $(($1 + $2)); }\n";
    private static final String PATCH = "--- a/calc.sh\n+++ b/calc.sh\n@@ -1 +1 @@\n-" + BUGGY + "+" + FIXED;

    @TempDir(cleanup = CleanupMode.NEVER)
    Path tmp;

    @AfterEach
    void tearDown() throws Exception {
        EngineProcesses.stopEngine(tmp.resolve("state"));
        FileTrees.deleteRecursively(tmp);
    }

    @Test
    void reproFixStoryFromTheProjectCheckout() throws Exception {
        Path repo = gitRepo();
        Path exports = Files.createDirectories(tmp.resolve("exported"));
        Path out = exports.resolve("calc.sh");
        List<Map<String, Object>> calls = List.of(
                call("workspace_create", Map.of("environment", "debian:12", "name", "repro"), Map.of("ws", "workspace_id")),
                call("workspace_file_list", Map.of("workspace_id", "${ws}", "recursive", true)),
                call("workspace_file_read", Map.of("workspace_id", "${ws}", "path", "calc.sh")),
                call("workspace_exec", Map.of("workspace_id", "${ws}", "command", "sh test.sh")),
                call("workspace_patch_apply", Map.of("workspace_id", "${ws}", "patch", PATCH)),
                call("workspace_exec", Map.of("workspace_id", "${ws}", "command", "sh test.sh")),
                call("workspace_diff", Map.of("workspace_id", "${ws}")),
                call("workspace_export", Map.of("workspace_id", "${ws}", "path", "calc.sh", "output_path", out.toString())),
                call("workspace_summary", Map.of("workspace_id", "${ws}")),
                call("workspace_file_read", Map.of("workspace_id", "${ws}", "path", "../etc/passwd")),
                call("workspace_delete", Map.of("workspace_id", "${ws}")),
                call("workspace_export", Map.of("workspace_id", "${ws}", "path", "calc.sh",
                        "output_path", tmp.resolve("elsewhere/calc.sh").toString())),
                call("workspace_create", Map.of("environment", "debian:12", "seed_path", "/etc")));
        List<String> argv = McpPeers.pyroCommand("mcp", "serve", "--mode", "repro-fix", "--allow-host-path",
                exports.toString());
        JsonNode report = McpPeers.client(tmp, plan(argv, repo.resolve("src"), calls));
        assertThat(report.has("error")).as(report.toString()).isFalse();
        JsonNode results = report.get("calls");

        JsonNode created = ok(results, 0);
        JsonNode seed = created.get("workspace_seed");
        assertThat(seed.get("origin_kind").asString()).isEqualTo("project_path");
        assertThat(seed.get("origin_ref").asString()).isEqualTo(repo.toRealPath().toString());
        assertThat(report.get("instructions").asString()).contains("the current project at " + repo.toRealPath());

        List<String> paths = new ArrayList<>();
        ok(results, 1).get("entries").forEach(e -> paths.add(e.get("path").asString()));
        assertThat(paths).contains("/workspace/calc.sh", "/workspace/test.sh", "/workspace/.gitignore",
                "/workspace/src/main.sh").doesNotContain("/workspace/notes.txt", "/workspace/debug.log",
                "/workspace/build", "/workspace/.git");

        assertThat(ok(results, 2).get("content").asString()).isEqualTo(BUGGY);
        assertThat(ok(results, 3).get("exit_code").asInt()).isEqualTo(1);
        assertThat(results.get(3).get("text").asString()).contains("exit_code 1").contains("FAIL");
        assertThat(ok(results, 4).get("changed").asBoolean()).isTrue();
        JsonNode rerun = ok(results, 5);
        assertThat(rerun.get("exit_code").asInt()).isZero();
        assertThat(rerun.get("stdout").asString()).contains("ok");
        JsonNode diff = ok(results, 6);
        assertThat(diff.get("changed").asBoolean()).isTrue();
        assertThat(diff.get("entries").get(0).get("path").asString()).endsWith("calc.sh");
        assertThat(diff.get("entries").get(0).get("status").asString()).isEqualTo("modified");
        assertThat(diff.get("patch").asString()).contains("+" + FIXED.trim());
        assertThat(ok(results, 7).get("output_path").asString()).isEqualTo(out.toString());
        assertThat(Files.readString(out)).isEqualTo(FIXED);
        assertThat(ok(results, 8).toString()).contains("calc.sh");
        JsonNode escape = results.get(9);
        assertThat(escape.get("isError").asBoolean()).isTrue();
        assertThat(escape.get("text").asString()).startsWith("error: ").contains("path");
        assertThat(ok(results, 10).get("deleted").asBoolean()).isTrue();
        // host paths outside the checkout and --allow-host-path are refused before anything runs
        assertThat(results.get(11).get("isError").asBoolean()).isTrue();
        assertThat(results.get(11).get("text").asString()).contains("output_path " + tmp.resolve("elsewhere/calc.sh")
                + " is outside the host directories this MCP server may use").contains("--allow-host-path DIR");
        assertThat(tmp.resolve("elsewhere")).doesNotExist();
        assertThat(results.get(12).get("text").asString()).contains("seed_path /etc is outside");
        assertThat(report.get("stderr").asString()).contains("[mcp] host paths the client may use: "
                + repo.toRealPath() + ", " + exports.toRealPath());

        assertThat(Files.readString(repo.resolve("calc.sh"))).as("the checkout is never changed").isEqualTo(BUGGY);
    }

    @Test
    void cleanCloneAtARefAndStartupValidation() throws Exception {
        Path repo = gitRepo();
        git(repo, "tag", "v1");
        Files.writeString(repo.resolve("calc.sh"), FIXED);
        git(repo, "commit", "-qam", "fix");
        String url = repo.toUri().toString();
        List<String> argv = McpPeers.pyroCommand("mcp", "serve", "--mode", "repro-fix", "--repo-url", url,
                "--repo-ref", "v1", "--environment", "debian:12");
        JsonNode report = McpPeers.client(tmp, plan(argv, tmp, List.of(
                call("workspace_create", Map.of(), Map.of("ws", "workspace_id")),
                call("workspace_file_read", Map.of("workspace_id", "${ws}", "path", "calc.sh")),
                call("workspace_delete", Map.of("workspace_id", "${ws}")))));
        assertThat(report.has("error")).as(report.toString()).isFalse();
        JsonNode seed = ok(report.get("calls"), 0).get("workspace_seed");
        assertThat(seed.get("origin_kind").asString()).isEqualTo("repo_url");
        assertThat(seed.get("origin_ref").asString()).isEqualTo(url);
        assertThat(ok(report.get("calls"), 1).get("content").asString()).isEqualTo(BUGGY);
        assertThat(ok(report.get("calls"), 2).get("deleted").asBoolean()).isTrue();

        CliProcess cli = new CliProcess().env("PYRO_STATE_DIR", tmp.resolve("state").toString());
        assertRefused(cli.run("mcp", "serve", "--repo-ref", "v1"), "--repo-ref requires --repo-url");
        assertRefused(cli.run("mcp", "serve", "--no-project-source", "--project-path", "."),
                "--no-project-source cannot be combined with --project-path, --repo-url, or --repo-ref");
        assertRefused(cli.run("mcp", "serve", "--project-path", ".", "--repo-url", url),
                "--project-path and --repo-url are mutually exclusive");
        assertRefused(cli.run("mcp", "serve", "--project-path", tmp.resolve("missing").toString()),
                "project_path " + tmp.resolve("missing") + " does not exist");
        assertRefused(cli.run("mcp", "serve", "--repo-url", " "), "--repo-url must not be empty");
        assertRefused(cli.run("mcp", "serve", "--environment", "debian:99"), "debian:99");
    }

    private static void assertRefused(CliProcess.Result r, String message) {
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(2);
        assertThat(r.stderr()).contains(message).doesNotContain("Exception");
        assertThat(r.stdout()).isEmpty();
    }

    /** A checkout with tracked, ignored and untracked files: calc.sh has the bug test.sh finds. */
    private Path gitRepo() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(repo.resolve("calc.sh"), BUGGY);
        Files.writeString(repo.resolve("test.sh"),
                ". ./calc.sh\nif [ \"$(add 2 3)\" = 5 ]; then echo ok; else echo FAIL: add 2 3 = $(add 2 3); exit 1; fi\n");
        Files.writeString(repo.resolve(".gitignore"), "build/\n*.log\n");
        Files.createDirectories(repo.resolve("src"));
        Files.writeString(repo.resolve("src/main.sh"), "echo main\n");
        git(repo, "init", "-q");
        git(repo, "add", ".");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qm", "initial");
        git(repo, "config", "user.name", "t");
        git(repo, "config", "user.email", "t@localhost");
        Files.createDirectories(repo.resolve("build"));
        Files.writeString(repo.resolve("build/out.bin"), "generated");
        Files.writeString(repo.resolve("debug.log"), "ignored");
        Files.writeString(repo.resolve("notes.txt"), "untracked");
        return repo;
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        CliProcess.Result r = McpPeers.run(argv, Map.of(), 60);
        assertThat(r.exitCode()).as(String.join(" ", argv) + "\n" + r.stderr()).isZero();
    }

    private Map<String, Object> plan(List<String> argv, Path cwd, List<Map<String, Object>> calls) {
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("transport", "stdio");
        plan.put("command", argv.get(0));
        plan.put("args", argv.subList(1, argv.size()));
        plan.put("cwd", cwd.toString());
        plan.put("env", Map.of("PYRO_STATE_DIR", tmp.resolve("state").toString(), "PYRO_BACKEND", "gvisor"));
        plan.put("calls", calls);
        return plan;
    }

    private static Map<String, Object> call(String tool, Map<String, Object> args) {
        return call(tool, args, Map.of());
    }

    private static Map<String, Object> call(String tool, Map<String, Object> args, Map<String, String> save) {
        return Map.of("tool", tool, "args", args, "save", save);
    }

    private static JsonNode ok(JsonNode results, int index) {
        JsonNode call = results.get(index);
        assertThat(call).as("call " + index + " missing in " + results).isNotNull();
        assertThat(call.get("isError").asBoolean()).as(call.get("tool") + ": " + call.get("text")).isFalse();
        return call.get("structuredContent");
    }
}
