package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyro host} against the real Claude Code, Codex and OpenCode CLIs, each pointed at a
 * throwaway HOME. (That the written configs start pyro's server and list its tools is
 * {@link HostServerStartTest}.)
 */
class HostCommandTest {

    @TempDir
    Path dir;

    private static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(node -> list.add(node.asString()));
        return list;
    }

    private static JsonNode entry(JsonNode doctor, String host) {
        for (JsonNode entry : doctor) {
            if (entry.path("host").asString().equals(host)) {
                return entry;
            }
        }
        throw new AssertionError("no doctor entry for " + host + ": " + doctor);
    }

    @Test
    void claudeCodeConnectUsesClaudeMcpAddAtUserScopeAndASecondConnectChangesNothing() throws Exception {
        HostPeers.User user = HostPeers.user(dir, true);
        Path project = Files.createDirectories(dir.resolve("my project"));

        JsonNode connected = user.pyroJson("host", "connect", "claude-code", "--mode", "cold-start",
                "--project-path", project.toString());
        List<String> expected = List.of(user.launcher().toString(), "mcp", "serve", "--mode", "cold-start",
                "--project-path", project.toString());
        assertThat(connected.path("action").asString()).isEqualTo("added");
        assertThat(connected.path("changed").asBoolean()).isTrue();
        assertThat(strings(connected.path("server_command"))).isEqualTo(expected);
        assertThat(strings(connected.path("verification_command"))).containsExactly("claude", "mcp", "list");

        // What Claude Code itself recorded: the launcher's absolute path and the flags, one argument each.
        Path config = user.home().resolve(".claude.json");
        JsonNode server = Json.MAPPER.readTree(Files.readString(config)).path("mcpServers").path("pyro");
        assertThat(server.path("command").asString()).isEqualTo(user.launcher().toString());
        assertThat(strings(server.path("args"))).isEqualTo(expected.subList(1, expected.size()));

        String before = Files.readString(config);
        JsonNode again = user.pyroJson("host", "connect", "claude-code", "--mode", "cold-start",
                "--project-path", project.toString());
        assertThat(again.path("action").asString()).isEqualTo("unchanged");
        assertThat(again.path("changed").asBoolean()).isFalse();
        assertThat(Files.readString(config)).isEqualTo(before);

        JsonNode doctor = user.pyroJson("host", "doctor", "--mode", "cold-start", "--project-path", project.toString());
        assertThat(entry(doctor, "claude-code").path("status").asString()).isEqualTo("ok");
        assertThat(entry(doctor, "claude-code").path("installed").asBoolean()).isTrue();
        assertThat(entry(doctor, "claude-code").path("configured").asBoolean()).isTrue();
    }

    @Test
    void claudeCodeLocalScopeEntryThatShadowsPyroIsReportedDriftedAndRepairRemovesIt() throws Exception {
        HostPeers.User user = HostPeers.user(dir, true);
        assertThat(user.pyroJson("host", "connect", "claude-code").path("action").asString()).isEqualTo("added");
        // A hand-made local-scope entry for the directory pyro runs in (the module dir for CliProcess).
        Path cwd = Path.of("").toAbsolutePath();
        CliProcess.Result added = HostPeers.run(List.of(HostPeers.bin().resolve("claude").toString(), "mcp", "add",
                "pyro", "--", "/usr/bin/false"), user.env(), cwd, 120);
        assertThat(added.exitCode()).as(added.all()).isZero();

        JsonNode drifted = entry(user.pyroJson("host", "doctor"), "claude-code");
        assertThat(drifted.path("status").asString()).isEqualTo("drifted");
        assertThat(drifted.path("details").asString()).contains("local-scope", "/usr/bin/false");
        assertThat(drifted.path("repair_command").asString())
                .isEqualTo(user.launcher() + " host repair claude-code");

        JsonNode repaired = user.pyroJson("host", "repair", "claude-code");
        assertThat(repaired.path("action").asString()).isEqualTo("updated");
        assertThat(entry(user.pyroJson("host", "doctor"), "claude-code").path("status").asString()).isEqualTo("ok");
        assertThat(Files.readString(user.home().resolve(".claude.json"))).doesNotContain("/usr/bin/false");
    }

    @Test
    void codexConnectDoctorSeesDriftAgainstOtherFlagsAndRepairFixesIt() throws Exception {
        HostPeers.User user = HostPeers.user(dir, true);
        JsonNode connected = user.pyroJson("host", "connect", "codex", "--mode", "repro-fix",
                "--environment", "debian:12-build");
        assertThat(connected.path("action").asString()).isEqualTo("added");
        assertThat(connected.path("config_path").asString()).isEqualTo(user.home().resolve(".codex/config.toml").toString());

        // Codex's own view of what it stored.
        CliProcess.Result get = user.host("codex", "mcp", "get", "pyro", "--json");
        assertThat(get.exitCode()).as(get.all()).isZero();
        JsonNode transport = Json.MAPPER.readTree(get.stdout()).path("transport");
        assertThat(transport.path("command").asString()).isEqualTo(user.launcher().toString());
        assertThat(strings(transport.path("args"))).containsExactly("mcp", "serve", "--mode", "repro-fix",
                "--environment", "debian:12-build");

        JsonNode drifted = entry(user.pyroJson("host", "doctor", "--mode", "inspect"), "codex");
        assertThat(drifted.path("status").asString()).isEqualTo("drifted");
        assertThat(drifted.path("configured").asBoolean()).isTrue();
        assertThat(drifted.path("details").asString()).contains("--mode repro-fix", "expected");
        assertThat(drifted.path("repair_command").asString())
                .isEqualTo(user.launcher() + " host repair codex --mode inspect");

        CliProcess.Result human = user.pyro("host", "doctor", "--mode", "inspect");
        assertThat(human.exitCode()).isZero();
        assertThat(human.stdout()).contains("Expected: " + user.launcher() + " mcp serve --mode inspect")
                .containsPattern("codex +drifted +pyro entry")
                .contains("fix: " + user.launcher() + " host repair codex --mode inspect");

        JsonNode repaired = user.pyroJson("host", "repair", "codex", "--mode", "inspect");
        assertThat(repaired.path("action").asString()).isEqualTo("updated");
        JsonNode after = entry(user.pyroJson("host", "doctor", "--mode", "inspect"), "codex");
        assertThat(after.path("status").asString()).isEqualTo("ok");
        CliProcess.Result list = user.host("codex", "mcp", "list", "--json");
        assertThat(Json.MAPPER.readTree(list.stdout())).hasSize(1);
    }

    @Test
    void openCodeConnectMergesIntoItsConfigWithABackupAndWritesNothingWhenRight() throws Exception {
        HostPeers.User user = HostPeers.user(dir, true);
        Path config = user.home().resolve(".config/opencode/opencode.json");
        Files.createDirectories(config.getParent());
        String original = """
                {
                  // the user's own settings
                  "theme": "tokyonight",
                  "mcp": {"other": {"type": "remote", "url": "http://127.0.0.1:9/mcp"}},
                  "pyro-note": 1.10,
                }
                """;
        Files.writeString(config, original);

        JsonNode connected = user.pyroJson("host", "connect", "opencode", "--mode", "repro-fix");
        assertThat(connected.path("action").asString()).isEqualTo("added");
        Path backup = Path.of(connected.path("backup_path").asString());
        assertThat(backup.getFileName().toString()).matches("opencode\\.json\\.bak-\\d{14}");
        assertThat(Files.readString(backup)).isEqualTo(original);

        JsonNode root = Json.MAPPER.readTree(Files.readString(config));
        assertThat(root.path("theme").asString()).isEqualTo("tokyonight");
        assertThat(root.path("pyro-note").decimalValue()).isEqualByComparingTo("1.10");
        assertThat(root.path("mcp").path("other").path("url").asString()).isEqualTo("http://127.0.0.1:9/mcp");
        JsonNode pyro = root.path("mcp").path("pyro");
        assertThat(pyro.path("type").asString()).isEqualTo("local");
        assertThat(pyro.path("enabled").asBoolean()).isTrue();
        assertThat(strings(pyro.path("command"))).containsExactly(user.launcher().toString(), "mcp", "serve",
                "--mode", "repro-fix");
        assertThat(Files.readString(config)).contains("\"theme\": \"tokyonight\"").endsWith("}\n");

        String written = Files.readString(config);
        JsonNode again = user.pyroJson("host", "connect", "opencode", "--mode", "repro-fix");
        assertThat(again.path("action").asString()).isEqualTo("unchanged");
        assertThat(again.has("backup_path")).isFalse();
        assertThat(Files.readString(config)).isEqualTo(written);
        try (Stream<Path> files = Files.list(config.getParent())) {
            assertThat(files.filter(p -> p.getFileName().toString().contains(".bak-"))).hasSize(1);
        }

        JsonNode ok = entry(user.pyroJson("host", "doctor", "--mode", "repro-fix"), "opencode");
        assertThat(ok.path("status").asString()).isEqualTo("ok");
        assertThat(ok.path("details").asString()).isEqualTo("OpenCode config path: " + config);
    }

    @Test
    void openCodeRepairReplacesAnUnreadableConfigAndKeepsItAsABackup(@TempDir Path other) throws Exception {
        HostPeers.User user = HostPeers.user(dir, true);
        Path config = other.resolve("custom/opencode.json");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "{ not json");

        JsonNode broken = entry(user.pyroJson("host", "doctor", "--config-path", config.toString()), "opencode");
        assertThat(broken.path("status").asString()).isEqualTo("drifted");
        assertThat(broken.path("details").asString()).startsWith("OpenCode config is invalid JSON");
        assertThat(broken.path("repair_command").asString())
                .isEqualTo(user.launcher() + " host repair opencode --config-path " + config);

        JsonNode repaired = user.pyroJson("host", "repair", "opencode", "--config-path", config.toString());
        assertThat(Files.readString(Path.of(repaired.path("backup_path").asString()))).isEqualTo("{ not json");
        JsonNode root = Json.MAPPER.readTree(Files.readString(config));
        assertThat(root.properties()).hasSize(1);
        assertThat(entry(user.pyroJson("host", "doctor", "--config-path", config.toString()), "opencode")
                .path("status").asString()).isEqualTo("ok");
    }

    @Test
    void withoutTheHostsOnPathDoctorSaysUnavailableAndConnectSaysWhatToInstall() throws Exception {
        HostPeers.User user = HostPeers.user(dir, false);
        JsonNode doctor = user.pyroJson("host", "doctor");
        assertThat(doctor).hasSize(3);
        List<String> hosts = new ArrayList<>();
        doctor.forEach(entry -> hosts.add(entry.path("host").asString()));
        assertThat(hosts).containsExactly("claude-code", "codex", "opencode");
        for (JsonNode entry : doctor) {
            assertThat(entry.path("status").asString()).isEqualTo("unavailable");
            assertThat(entry.path("installed").asBoolean()).isFalse();
        }
        assertThat(entry(doctor, "claude-code").path("details").asString()).isEqualTo("claude CLI was not found on PATH");
        assertThat(entry(doctor, "codex").path("repair_command").isNull()).isTrue();

        CliProcess.Result connect = user.pyro("host", "connect", "claude-code");
        assertThat(connect.exitCode()).isEqualTo(1);
        assertThat(connect.stderr()).contains("error: claude CLI is not installed or not on PATH")
                .doesNotContain("Exception");
        assertThat(user.home().resolve(".claude.json")).doesNotExist();
    }

    @Test
    void printConfigRendersOpenCodeAndGenericJsonAndMergesIntoAnOutputFile() throws Exception {
        HostPeers.User user = HostPeers.user(dir, false);
        CliProcess.Result opencode = user.pyro("host", "print-config", "opencode", "--mode", "repro-fix");
        assertThat(opencode.exitCode()).isZero();
        assertThat(opencode.stdout()).isEqualTo("""
                {
                  "mcp": {
                    "pyro": {
                      "type": "local",
                      "enabled": true,
                      "command": [
                        "%s",
                        "mcp",
                        "serve",
                        "--mode",
                        "repro-fix"
                      ]
                    }
                  }
                }
                """.formatted(user.launcher()));

        JsonNode generic = user.pyroJson("host", "print-config", "generic", "--installed-package",
                "--profile", "workspace-full", "--repo-url", "/srv/git/app.git", "--repo-ref", "v1.2");
        JsonNode server = Json.MAPPER.readTree(generic.path("rendered_config").asString()).path("mcpServers").path("pyro");
        assertThat(server.path("command").asString()).isEqualTo("pyro");
        assertThat(strings(server.path("args"))).containsExactly("mcp", "serve", "--profile", "workspace-full",
                "--repo-url", "/srv/git/app.git", "--repo-ref", "v1.2");

        Path cursor = dir.resolve("cursor/mcp.json");
        Files.createDirectories(cursor.getParent());
        Files.writeString(cursor, "{\"mcpServers\": {\"git\": {\"command\": \"git-mcp\"}}}\n");
        JsonNode written = user.pyroJson("host", "print-config", "generic", "--output", cursor.toString());
        assertThat(written.path("changed").asBoolean()).isTrue();
        JsonNode merged = Json.MAPPER.readTree(Files.readString(cursor)).path("mcpServers");
        assertThat(merged.path("git").path("command").asString()).isEqualTo("git-mcp");
        assertThat(merged.path("pyro").path("command").asString()).isEqualTo(user.launcher().toString());
        assertThat(user.pyroJson("host", "print-config", "generic", "--output", cursor.toString())
                .path("changed").asBoolean()).isFalse();

        CliProcess.Result claude = user.pyro("host", "print-config", "claude-code", "--project-path", dir.toString());
        assertThat(claude.stdout().strip()).isEqualTo("claude mcp add --scope user pyro -- " + user.launcher()
                + " mcp serve --project-path " + dir);
        // what the MCP client may reach on the host is the helper's to pass on, never widened by default
        Path exports = Files.createDirectories(dir.resolve("exports"));
        CliProcess.Result allowing = user.pyro("host", "print-config", "claude-code", "--project-path", dir.toString(),
                "--allow-host-path", exports.toString(), "--allow-host-compat");
        assertThat(allowing.stdout().strip()).isEqualTo("claude mcp add --scope user pyro -- " + user.launcher()
                + " mcp serve --project-path " + dir + " --allow-host-path " + exports + " --allow-host-compat");
    }

    @Test
    void badFlagsExitTwoNamingTheFieldAndTouchNothing() throws Exception {
        HostPeers.User user = HostPeers.user(dir, true);
        String[][] cases = {
            {"--mode", "fix-it"}, {"--mode must be one of repro-fix, inspect, cold-start, review-eval"},
            {"--mode", "inspect", "--profile", "workspace-full"}, {"--mode and --profile are mutually exclusive"},
            {"--project-path", "/", "--repo-url", "/srv/x.git"}, {"--project-path and --repo-url are mutually exclusive"},
            {"--no-project-source", "--repo-url", "/srv/x.git"},
            {"--no-project-source cannot be combined with --project-path, --repo-url, or --repo-ref"},
            {"--repo-ref", "main"}, {"--repo-ref requires --repo-url"},
            {"--project-path", dir.resolve("nope").toString()}, {"--project-path " + dir.resolve("nope") + " does not exist"},
            {"--environment", "ubuntu:99"}, {"ubuntu:99"},
            {"--config-path", "/tmp/x.json"}, {"--config-path is only for opencode"},
        };
        for (int i = 0; i < cases.length; i += 2) {
            List<String> argv = new ArrayList<>(List.of("host", "connect", "codex"));
            argv.addAll(List.of(cases[i]));
            CliProcess.Result r = user.pyro(argv.toArray(String[]::new));
            assertThat(r.exitCode()).as(String.join(" ", cases[i]) + ": " + r.stderr()).isEqualTo(2);
            assertThat(r.stderr()).contains("error: ").contains(cases[i + 1][0]).doesNotContain("\tat ");
        }
        CliProcess.Result unknown = user.pyro("host", "connect", "vscode");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("HOST must be one of claude-code, codex, opencode (got 'vscode')");
        CliProcess.Result output = user.pyro("host", "print-config", "codex", "--output", dir.resolve("x").toString());
        assertThat(output.exitCode()).isEqualTo(2);
        assertThat(output.stderr()).contains("--output is for opencode and generic JSON configs");
        assertThat(user.home().resolve(".codex/config.toml")).doesNotExist();
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void withoutALauncherTheCanonicalCommandCannotBeMadeUpAndTheErrorSaysWhatToDo() throws Exception {
        HostPeers.User user = HostPeers.user(dir, false);
        CliProcess.Result r = user.pyro().without("PYRO_LAUNCHER").run("host", "print-config", "generic");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("cannot tell how to start this pyro", "./pyro", "--installed-package");
        CliProcess.Result help = user.pyro("host", "connect", "--help");
        assertThat(help.stdout()).contains("--mode", "--profile", "--environment", "--project-path", "--repo-url",
                "--repo-ref", "--no-project-source", "--installed-package", "Examples:");
    }
}
