package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.cli.smoke.McpSessionDriver;
import dev.pyro.cli.smoke.SmokeContext;
import dev.pyro.cli.smoke.SmokeWork;
import dev.pyro.api.Json;
import dev.pyro.test.SandboxTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The daily loop (spec §13.3) as a user lives it: {@code pyro prepare} warms the machine (a full
 * cycle, then reused), {@code pyro host connect codex} records the server for a project, and the
 * exact command Codex reports from its config serves the repro-fix loop to the official TypeScript
 * MCP client: fail, patch, pass, export, then {@code workspace_reset} as the retry step.
 */
@SandboxTest
class DailyLoopSmokeTest {

    private static final String PATCH = "--- a/message.txt\n+++ b/message.txt\n@@ -1 +1 @@\n-broken\n+fixed\n";

    @RegisterExtension
    final SmokeWork smoke = new SmokeWork("pyro-daily-loop-");

    @Test
    void prepareConnectLoopReset() throws Exception {
        HostPeers.User user = HostPeers.user(smoke.work, true);
        Map<String, String> env = new LinkedHashMap<>(user.env());
        env.putAll(smoke.ctx.serverEnv());
        CliProcess pyro = user.pyro();
        smoke.ctx.serverEnv().forEach(pyro::env);

        SmokeContext.log("daily-loop", "prepare " + smoke.ctx.environment());
        JsonNode first = json(pyro.run("prepare", smoke.ctx.environment(), "--force", "--json"));
        assertThat(first.get("prepared").asBoolean()).as(first.toString()).isTrue();
        JsonNode second = json(pyro.run("prepare", smoke.ctx.environment(), "--json"));
        assertThat(second.get("reused").asBoolean()).as(second.toString()).isTrue();

        Path repo = Files.createDirectories(smoke.work.resolve("project"));
        Files.writeString(repo.resolve("message.txt"), "broken\n");
        Files.writeString(repo.resolve("check.sh"), "[ \"$(cat message.txt)\" = fixed ] || { echo \"got $(cat message.txt)\" >&2; "
                + "exit 1; }\ncat message.txt\n");
        McpPeers.run(List.of("git", "-C", repo.toString(), "init", "-q"), Map.of(), 30);
        McpPeers.run(List.of("git", "-C", repo.toString(), "add", "."), Map.of(), 30);
        McpPeers.run(List.of("git", "-C", repo.toString(), "-c", "user.name=t", "-c", "user.email=t@localhost",
                "-c", "commit.gpgsign=false", "commit", "-qm", "seed"), Map.of(), 30);

        SmokeContext.log("daily-loop", "connect codex --mode repro-fix");
        JsonNode connected = json(pyro.run("host", "connect", "codex", "--mode", "repro-fix", "--project-path",
                repo.toString(), "--environment", smoke.ctx.environment(), "--json"));
        assertThat(connected.get("action").asString()).isEqualTo("added");
        CliProcess.Result get = user.host("codex", "mcp", "get", "pyro", "--json");
        assertThat(get.exitCode()).as(get.all()).isZero();
        JsonNode transport = Json.MAPPER.readTree(get.stdout()).path("transport");
        List<String> argv = new ArrayList<>(List.of(transport.path("command").asString()));
        transport.path("args").forEach(a -> argv.add(a.asString()));
        assertThat(argv).containsSubsequence("mcp", "serve", "--mode", "repro-fix");

        SmokeContext.log("daily-loop", "loop through " + String.join(" ", argv));
        McpSessionDriver d = smoke.ctx.track(McpSessionDriver.startCommand(smoke.work, user.home(), env, argv));
        JsonNode ws = d.call("workspace_create", Map.of("name", "daily-loop",
                "labels", Map.of(SmokeContext.SUITE_LABEL, "daily-loop-smoke")));
        String id = ws.get("workspace_id").asString();
        assertThat(ws.get("workspace_seed").get("origin_kind").asString()).isEqualTo("project_path");
        assertThat(exec(d, id).get("exit_code").asInt()).isNotZero();
        assertThat(d.call("workspace_patch_apply", Map.of("workspace_id", id, "patch", PATCH)).get("changed")
                .asBoolean()).isTrue();
        JsonNode passing = exec(d, id);
        assertThat(passing.get("exit_code").asInt()).isZero();
        assertThat(passing.get("stdout").asString()).isEqualTo("fixed\n");
        Path out = repo.resolve("out/message.txt"); // the project checkout is where an MCP client may export
        JsonNode exported = d.call("workspace_export", Map.of("workspace_id", id, "path", "message.txt",
                "output_path", out.toString()));
        assertThat(exported.get("artifact_type").asString()).isEqualTo("file");
        assertThat(Files.readString(out)).isEqualTo("fixed\n");

        SmokeContext.log("daily-loop", "reset");
        assertThat(d.call("workspace_reset", Map.of("workspace_id", id)).get("reset_count").asInt()).isEqualTo(1);
        assertThat(exec(d, id).get("exit_code").asInt()).isNotZero();
        assertThat(d.call("workspace_file_read", Map.of("workspace_id", id, "path", "message.txt")).get("content")
                .asString()).isEqualTo("broken\n");
        assertThat(d.call("workspace_delete", Map.of("workspace_id", id)).get("deleted").asBoolean()).isTrue();
        SmokeContext.log("daily-loop", "completed");
    }

    private static JsonNode exec(McpSessionDriver d, String id) {
        return d.call("workspace_exec", Map.of("workspace_id", id, "command", "sh check.sh"));
    }

    private static JsonNode json(CliProcess.Result r) {
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        return Json.MAPPER.readTree(r.stdout());
    }
}
