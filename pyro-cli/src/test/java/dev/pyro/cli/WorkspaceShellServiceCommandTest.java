package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.cache.FileTrees;
import dev.pyro.api.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Shells and services through the CLI: each call a separate process, the engine daemon keeps the state. */
class WorkspaceShellServiceCommandTest {

    @TempDir(cleanup = CleanupMode.NEVER)
    Path tmp;

    CliProcess cli;
    String id;

    @BeforeEach
    void setUp() throws Exception {
        cli = new CliProcess().env("PYRO_STATE_DIR", tmp.resolve("state").toString()).env("PYRO_BACKEND", "gvisor");
        id = ok("workspace", "create", "debian:12", "--secret", "API_TOKEN=sk-live-12345", "--id-only").stdout().trim();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (id != null) {
            cli.run("workspace", "delete", id);
        }
        EngineProcesses.stopEngine(tmp.resolve("state"));
        FileTrees.deleteRecursively(tmp);
    }

    CliProcess.Result ok(String... args) throws Exception {
        CliProcess.Result result = cli.run(args);
        assertThat(result.exitCode()).as(String.join(" ", args) + "\n" + result.stderr()).isZero();
        return result;
    }

    @Test
    void aShellOpenedByOneProcessIsDrivenByOthers() throws Exception {
        String shell = ok("workspace", "shell", "open", id, "--secret-env", "API_TOKEN", "--id-only").stdout().trim();
        assertThat(shell).matches("[0-9a-f]{12}");
        ok("workspace", "shell", "write", id, shell, "--input", "echo \"sum=$((40+2)) token=$API_TOKEN\"");
        CliProcess.Result read = ok("workspace", "shell", "read", id, shell, "--plain", "--wait-for-idle-ms", "400");
        assertThat(read.stdout()).contains("sum=42 token=[REDACTED]").doesNotContain("sk-live-12345");
        assertThat(read.stderr()).containsPattern("next_cursor=\\d+");
        JsonNode closed = Json.MAPPER.readTree(ok("workspace", "shell", "close", id, shell, "--json").stdout());
        assertThat(closed.get("closed").asBoolean()).isTrue();
        CliProcess.Result gone = cli.run("workspace", "shell", "read", id, shell);
        assertThat(gone.exitCode()).isEqualTo(2);
        assertThat(gone.stderr()).contains("does not exist in workspace");
    }

    @Test
    void aServiceStartsReadyLogsAndStops() throws Exception {
        ok("workspace", "service", "start", id, "web", "--ready-file", ".web-ready", "--",
                "sh", "-lc", "echo serving; touch .web-ready; while true; do sleep 60; done");
        JsonNode list = Json.MAPPER.readTree(ok("workspace", "service", "list", id, "--json").stdout());
        assertThat(list.get("running_count").asInt()).isEqualTo(1);
        assertThat(ok("workspace", "service", "logs", id, "web").stdout()).isEqualTo("serving\n");
        CliProcess.Result failed = cli.run("workspace", "service", "start", id, "slow", "--ready-file", "never",
                "--ready-timeout-seconds", "1", "--", "sleep", "100");
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.stdout()).contains("failed").contains("stop_reason=readiness_timeout");
        JsonNode stopped = Json.MAPPER.readTree(ok("workspace", "service", "stop", id, "web", "--json").stdout());
        assertThat(stopped.get("state").asString()).isEqualTo("stopped");
        assertThat(stopped.get("stop_reason").asString()).isEqualTo("sigterm");
        CliProcess.Result publish = cli.run("workspace", "service", "start", id, "pub", "--publish", "8080", "--",
                "true");
        assertThat(publish.exitCode()).isEqualTo(2);
        assertThat(publish.stderr()).contains("published ports require workspace network_policy");
        CliProcess.Result malformed = cli.run("workspace", "service", "start", id, "pub", "--publish", "web", "--",
                "true");
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.stderr()).contains("--publish must be GUEST_PORT or HOST_PORT:GUEST_PORT");
        CliProcess.Result policy = cli.run("workspace", "create", "debian:12", "--network-policy", "open");
        assertThat(policy.exitCode()).isEqualTo(2);
        assertThat(policy.stderr()).contains("network_policy must be one of: off, egress, egress+published-ports");
    }

    @Test
    void aServiceCommandAndProbeWithTheSecretAreKeptOnlyRedacted() throws Exception {
        String secret = "sk-live-12345";
        java.util.List<String> seen = new java.util.ArrayList<>();
        seen.add(ok("workspace", "service", "start", id, "leaky", "--ready-command",
                "test -n " + secret + " && test -e .leaky-ready", "--", "sh", "-lc",
                "echo " + secret + " > /tmp/leaky-seen; touch .leaky-ready; sleep 300").stdout());
        seen.add(cli.run("workspace", "service", "start", id, "probe", "--ready-http",
                "http://127.0.0.1:1/?token=" + secret, "--ready-timeout-seconds", "1", "--json", "--",
                "sleep", "300").stdout());
        // the raw command did run: the guest saw the real value
        assertThat(ok("workspace", "exec", id, "--", "sh", "-c",
                "test \"$(cat /tmp/leaky-seen)\" = " + secret + " && echo same").stdout()).contains("same");
        seen.add(ok("workspace", "service", "list", id, "--json").stdout());
        seen.add(ok("workspace", "service", "list", id).stdout());
        seen.add(ok("workspace", "service", "status", id, "leaky").stdout());
        seen.add(ok("workspace", "service", "status", id, "leaky", "--json").stdout());
        seen.add(ok("workspace", "status", id, "--json").stdout());
        seen.add(ok("workspace", "service", "stop", id, "leaky", "--json").stdout());
        JsonNode status = Json.MAPPER.readTree(seen.get(5));
        assertThat(status.get("command").asString()).contains("[REDACTED]");
        assertThat(status.get("readiness").get("command").asString()).isEqualTo("test -n [REDACTED] && test -e .leaky-ready");
        assertThat(Json.MAPPER.readTree(seen.get(1)).get("readiness").get("url").asString()).contains("token=[REDACTED]");
        for (String payload : seen) {
            assertThat(payload).doesNotContain(secret);
        }
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(tmp.resolve("state/workspaces"))) {
            for (Path file : files.filter(f -> f.toString().contains("/services/")).filter(java.nio.file.Files::isRegularFile)
                    .toList()) {
                assertThat(java.nio.file.Files.readString(file)).as(file.toString()).doesNotContain(secret);
            }
        }
    }
}
