package dev.pyro.cli.host;

import dev.pyro.api.PyroException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Claude Code: {@code claude mcp add --scope user} writes the entry (every project sees it); the
 * check reads the file Claude Code itself reads, {@code ~/.claude.json} (or
 * {@code $CLAUDE_CONFIG_DIR/.claude.json}), because {@code claude mcp get} starts the server to
 * health-check it and prints the arguments without quoting.
 */
final class ClaudeCodeHost implements ChatHost {

    static final String NAME = "claude-code";
    private static final String BINARY = "claude";

    @Override
    public String name() {
        return NAME;
    }

    static Path configFile() {
        String dir = System.getenv("CLAUDE_CONFIG_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir, ".claude.json");
        }
        return HostPaths.home().resolve(".claude.json");
    }

    /** The pyro entry Claude Code uses here: a local-scope one for this directory wins over the user one. */
    private record Entry(String scope, JsonNode server) {
    }

    @Override
    public HostCheck check(ServerCommand expected) {
        if (HostCli.find(BINARY).isEmpty()) {
            return new HostCheck(NAME, false, false, HostCheck.UNAVAILABLE, BINARY + " CLI was not found on PATH", null);
        }
        Path file = configFile();
        JsonConfigFile.Loaded loaded = JsonConfigFile.load(file);
        if (!loaded.usable()) {
            return new HostCheck(NAME, true, false, HostCheck.DRIFTED,
                    "Claude Code config " + file + " is " + loaded.problem(), null);
        }
        Entry entry = entry(loaded);
        if (entry == null) {
            return new HostCheck(NAME, true, false, HostCheck.MISSING,
                    "no pyro MCP server in " + file + " (user scope, or local scope here)", null);
        }
        List<String> actual = stdioArgv(entry.server());
        if (expected.argv().equals(actual)) {
            return new HostCheck(NAME, true, true, HostCheck.OK,
                    entry.scope() + "-scope pyro entry in " + file + " runs the canonical command", null);
        }
        return new HostCheck(NAME, true, true, HostCheck.DRIFTED, entry.scope() + "-scope pyro entry in " + file
                + " runs " + HostPaths.shell(actual) + "; expected " + HostPaths.shell(expected.argv()), null);
    }

    @Override
    public ConnectResult connect(ServerCommand expected) {
        HostCli cli = HostCli.find(BINARY).orElseThrow(() -> new PyroException(PyroException.Kind.RUNTIME,
                BINARY + " CLI is not installed or not on PATH; install Claude Code, or use "
                        + "`pyro host print-config generic` for a JSON config"));
        HostCheck before = check(expected);
        List<String> verify = List.of(BINARY, "mcp", "list");
        if (before.ok()) {
            return new ConnectResult(NAME, ConnectResult.UNCHANGED, false, expected.argv(), configFile().toString(),
                    null, verify);
        }
        JsonConfigFile.Loaded loaded = JsonConfigFile.load(configFile());
        if (loaded.usable() && loaded.root() != null) {
            if (!localServer(loaded).isMissingNode()) {
                // A local-scope entry for this directory would shadow the user-scope one we add.
                cli.run("mcp", "remove", "--scope", "local", "pyro");
            }
            if (loaded.root().path("mcpServers").has("pyro")) {
                cli.run("mcp", "remove", "--scope", "user", "pyro");
            }
        }
        List<String> add = new ArrayList<>(List.of("mcp", "add", "--scope", "user", "pyro", "--"));
        add.addAll(expected.argv());
        HostCli.Result added = cli.run(add.toArray(String[]::new));
        if (!added.ok()) {
            throw new PyroException(PyroException.Kind.RUNTIME, BINARY + " mcp add failed: "
                    + (added.message().isEmpty() ? "exit code " + added.exitCode() : added.message()));
        }
        HostCheck after = check(expected);
        if (!after.ok()) {
            throw new PyroException(PyroException.Kind.RUNTIME, BINARY + " mcp add succeeded but the entry is not "
                    + "the canonical command: " + after.details());
        }
        return new ConnectResult(NAME, before.configured() ? ConnectResult.UPDATED : ConnectResult.ADDED, true,
                expected.argv(), configFile().toString(), null, verify);
    }

    private static Entry entry(JsonConfigFile.Loaded loaded) {
        if (loaded.root() == null) {
            return null;
        }
        JsonNode local = localServer(loaded);
        if (!local.isMissingNode()) {
            return new Entry("local", local);
        }
        JsonNode user = loaded.root().path("mcpServers").path("pyro");
        return user.isMissingNode() ? null : new Entry("user", user);
    }

    private static JsonNode localServer(JsonConfigFile.Loaded loaded) {
        for (String key : projectKeys()) {
            JsonNode server = loaded.root().path("projects").path(key).path("mcpServers").path("pyro");
            if (!server.isMissingNode()) {
                return server;
            }
        }
        return tools.jackson.databind.node.MissingNode.getInstance();
    }

    private static String cwd() {
        return Path.of("").toAbsolutePath().toString();
    }

    /**
     * The keys Claude Code may file this directory's local scope under: inside Git it uses the
     * main worktree's root (even from a linked worktree), elsewhere the directory itself.
     */
    private static List<String> projectKeys() {
        List<String> keys = new ArrayList<>();
        HostCli.find("git").ifPresent(git -> {
            HostCli.Result r = git.run("rev-parse", "--path-format=absolute", "--git-common-dir", "--show-toplevel");
            if (r.ok()) {
                List<String> lines = r.stdout().lines().map(String::strip).toList();
                if (lines.size() == 2) {
                    Path common = Path.of(lines.get(0));
                    if (common.getFileName() != null && common.getFileName().toString().equals(".git")) {
                        keys.add(common.getParent().toString());
                    }
                    keys.add(lines.get(1));
                }
            }
        });
        keys.add(cwd());
        return keys;
    }

    /** A stdio entry's argv ({@code command} then {@code args}); empty for any other kind. */
    static List<String> stdioArgv(JsonNode server) {
        String type = server.path("type").asString("stdio");
        if (!type.equals("stdio") || !server.path("command").isString()) {
            return List.of();
        }
        List<String> argv = new ArrayList<>();
        argv.add(server.path("command").asString());
        for (JsonNode arg : server.path("args")) {
            argv.add(arg.asString());
        }
        return argv;
    }
}
