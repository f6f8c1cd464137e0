package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.api.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code pyro demo} on real gVisor sandboxes: the guided tour, the spec's JSON payload, help and bad input. */
class DemoCommandTest {

    @TempDir
    Path tmp;

    @AfterEach
    void stopEngine() throws Exception {
        EngineProcesses.stopEngine(tmp.resolve("state"));
    }

    private CliProcess cli() {
        return new CliProcess().env("PYRO_STATE_DIR", tmp.resolve("state").toString()).env("PYRO_BACKEND", "gvisor");
    }

    @Test
    void guidedTourRunsOneShotThenTheWorkspaceLoopAndLeavesNothing() throws Exception {
        CliProcess.Result r = cli().run("demo");
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout()).contains("[demo] 1/3 one command in a fresh sandbox (pyro run debian:12 -- git --version)")
                .containsPattern("git version \\d")
                .contains("execution_mode=guest_gvisor exit_code=0")
                .contains("sandbox deleted=true")
                .contains("[demo] 2/3").contains("exec #1 exit_code=1: check: expected fixed, got broken")
                .contains("patch: message.txt broken -> fixed, changed=true")
                .contains("exec #2 exit_code=0: check: ok")
                .contains("reset to the baseline: message.txt = broken again")
                .contains("[demo] 3/3 next:").containsPattern("workspace [0-9a-f]{12} deleted");
        CliProcess.Result list = cli().run("workspace", "list", "--json");
        assertThat(Json.MAPPER.readTree(list.stdout()).get("count").asInt()).isZero();
    }

    @Test
    void jsonIsTheOneShotPayload() throws Exception {
        CliProcess.Result r = cli().run("demo", "--json");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        JsonNode result = Json.MAPPER.readTree(r.stdout());
        assertThat(result.get("command").asString()).isEqualTo("git --version");
        assertThat(result.get("environment").asString()).isEqualTo("debian:12");
        assertThat(result.get("exit_code").asInt()).isZero();
        assertThat(result.get("stdout").asString()).startsWith("git version ");
        assertThat(result.get("execution_mode").asString()).isEqualTo("guest_gvisor");
        assertThat(result.get("cleanup").get("deleted").asBoolean()).isTrue();
        assertThat(result.get("cleanup").get("reason").asString()).isEqualTo("post_exec_cleanup");
    }

    @Test
    void helpAndBadEnvironment() throws Exception {
        CliProcess.Result help = cli().run("demo", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("Usage: pyro demo").contains("--network").contains("--json")
                .contains("pyro demo --json");
        assertThat(help.stdout().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
        CliProcess.Result bad = cli().run("demo", "--environment", "debian:99");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stderr()).contains("debian:99").doesNotContain("Exception");
        assertThat(bad.stdout()).isEmpty();
    }
}
