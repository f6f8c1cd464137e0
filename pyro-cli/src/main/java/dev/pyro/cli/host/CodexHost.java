package dev.pyro.cli.host;

import dev.pyro.api.PyroException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Codex: {@code codex mcp add} writes the entry into {@code ~/.codex/config.toml} (or
 * {@code $CODEX_HOME}); {@code codex mcp get pyro --json} shows it exactly, so the check asks
 * Codex itself.
 */
final class CodexHost implements ChatHost {

    static final String NAME = "codex";
    private static final String BINARY = "codex";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public String name() {
        return NAME;
    }

    static Path configFile() {
        String dir = System.getenv("CODEX_HOME");
        Path home = dir != null && !dir.isBlank() ? Path.of(dir) : HostPaths.home().resolve(".codex");
        return home.resolve("config.toml");
    }

    @Override
    public HostCheck check(ServerCommand expected) {
        HostCli cli = HostCli.find(BINARY).orElse(null);
        if (cli == null) {
            return new HostCheck(NAME, false, false, HostCheck.UNAVAILABLE, BINARY + " CLI was not found on PATH", null);
        }
        HostCli.Result get = cli.run("mcp", "get", "pyro", "--json");
        if (!get.ok()) {
            String said = lastLine(get.message());
            if (said.contains("No MCP server named")) {
                return new HostCheck(NAME, true, false, HostCheck.MISSING,
                        "no pyro MCP server in " + configFile(), null);
            }
            return new HostCheck(NAME, true, false, HostCheck.DRIFTED,
                    BINARY + " mcp get pyro failed: " + (said.isEmpty() ? "exit code " + get.exitCode() : said), null);
        }
        JsonNode server;
        try {
            server = JSON.readTree(get.stdout());
        } catch (JacksonException e) {
            return new HostCheck(NAME, true, true, HostCheck.DRIFTED,
                    BINARY + " mcp get pyro --json printed something that is not JSON", null);
        }
        JsonNode transport = server.path("transport");
        List<String> actual = new ArrayList<>();
        if (transport.path("type").asString("").equals("stdio") && transport.path("command").isString()) {
            actual.add(transport.path("command").asString());
            transport.path("args").forEach(arg -> actual.add(arg.asString()));
        }
        if (!expected.argv().equals(actual)) {
            return new HostCheck(NAME, true, true, HostCheck.DRIFTED, "pyro entry in " + configFile() + " runs "
                    + (actual.isEmpty() ? "no stdio command" : HostPaths.shell(actual)) + "; expected "
                    + HostPaths.shell(expected.argv()), null);
        }
        if (!server.path("enabled").asBoolean(true)) {
            return new HostCheck(NAME, true, true, HostCheck.DRIFTED,
                    "pyro entry in " + configFile() + " is disabled", null);
        }
        return new HostCheck(NAME, true, true, HostCheck.OK,
                "pyro entry in " + configFile() + " runs the canonical command", null);
    }

    @Override
    public ConnectResult connect(ServerCommand expected) {
        HostCli cli = HostCli.find(BINARY).orElseThrow(() -> new PyroException(PyroException.Kind.RUNTIME,
                BINARY + " CLI is not installed or not on PATH; install Codex, or use "
                        + "`pyro host print-config generic` for a JSON config"));
        HostCheck before = check(expected);
        List<String> verify = List.of(BINARY, "mcp", "get", "pyro");
        if (before.ok()) {
            return new ConnectResult(NAME, ConnectResult.UNCHANGED, false, expected.argv(), configFile().toString(),
                    null, verify);
        }
        if (before.configured()) {
            cli.run("mcp", "remove", "pyro");
        }
        List<String> add = new ArrayList<>(List.of("mcp", "add", "pyro", "--"));
        add.addAll(expected.argv());
        HostCli.Result added = cli.run(add.toArray(String[]::new));
        if (!added.ok()) {
            throw new PyroException(PyroException.Kind.RUNTIME, BINARY + " mcp add failed: "
                    + (added.message().isEmpty() ? "exit code " + added.exitCode() : lastLine(added.message())));
        }
        HostCheck after = check(expected);
        if (!after.ok()) {
            throw new PyroException(PyroException.Kind.RUNTIME, BINARY + " mcp add succeeded but the entry is not "
                    + "the canonical command: " + after.details());
        }
        return new ConnectResult(NAME, before.configured() ? ConnectResult.UPDATED : ConnectResult.ADDED, true,
                expected.argv(), configFile().toString(), null, verify);
    }

    /** Codex prints warnings before its answer; the answer is the last line. */
    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1].strip();
    }
}
