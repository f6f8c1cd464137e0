package dev.pyro.cli.rootless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.test.RootlessTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An MCP session as a chat host runs it for the person at the keyboard: the official TypeScript
 * client, started as an ordinary account, starts {@code pyro mcp serve} (stdio) as that account and
 * creates a workspace, runs a command, reads the file it wrote and deletes the workspace.
 */
@RootlessTest
class RootlessMcpSessionTest {

    OrdinaryUser user;

    @BeforeEach
    void setUp() throws Exception {
        user = OrdinaryUser.create("mcp");
        user.copyPackageCacheFromTestRun();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (user != null) {
            user.close();
        }
    }

    @Test
    void typescriptClientCreatesExecsReadsAndDeletesAsAnOrdinaryUser() throws Exception {
        List<Map<String, Object>> calls = List.of(
                call("workspace_create", Map.of("environment", "debian:12"), Map.of("ws", "workspace_id")),
                call("workspace_exec", Map.of("workspace_id", "${ws}",
                        "command", "echo written by $(id -un) > note.txt && cat note.txt"), Map.of()),
                call("workspace_file_read", Map.of("workspace_id", "${ws}", "path", "note.txt"), Map.of()),
                call("workspace_delete", Map.of("workspace_id", "${ws}"), Map.of()),
                call("workspace_list", Map.of(), Map.of()));
        JsonNode report = user.mcpClient(user.stdioPlan(List.of("--no-project-source"), calls));
        assertThat(report.has("error")).as(report.toString()).isFalse();
        assertThat(report.get("server").get("name").asString()).isEqualTo("pyro");
        JsonNode results = report.get("calls");

        String id = ok(results, 0).get("workspace_id").asString();
        assertThat(id).matches("[0-9a-f]{12}");
        JsonNode exec = ok(results, 1);
        assertThat(exec.get("exit_code").asInt()).isZero();
        assertThat(exec.get("stdout").asString()).isEqualTo("written by root\n"); // root of the guest
        assertThat(ok(results, 2).get("content").asString()).isEqualTo("written by root\n");
        assertThat(ok(results, 3).get("deleted").asBoolean()).isTrue();
        assertThat(ok(results, 4).get("count").asInt()).isZero();
        RootlessChecks.assertNoJavaInternals(report.get("stderr").asString());
        // everything ran as the account: its own engine in its own state dir
        assertThat(user.stateDir().resolve("engine.sock")).exists();
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
