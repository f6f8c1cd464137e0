package dev.pyro.cli.host;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenCode: its CLI adds servers only interactively, so pyro edits the JSON config OpenCode
 * reads, {@code ~/.config/opencode/opencode.json} (XDG_CONFIG_HOME respected), keeping every
 * other key and server.
 */
final class OpenCodeHost implements ChatHost {

    static final String NAME = "opencode";
    private static final String BINARY = "opencode";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path configPath;

    /** {@code configPath} null means OpenCode's default global config. */
    OpenCodeHost(Path configPath) {
        this.configPath = configPath != null ? configPath : HostPaths.configHome().resolve("opencode/opencode.json");
    }

    @Override
    public String name() {
        return NAME;
    }

    Path configPath() {
        return configPath;
    }

    /** The {@code mcp.pyro} entry: a local (stdio) server started with the canonical argv. */
    static ObjectNode entry(ServerCommand command) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("type", "local");
        entry.put("enabled", true);
        ArrayNode argv = entry.putArray("command");
        command.argv().forEach(argv::add);
        return entry;
    }

    /** The whole config {@code print-config opencode} shows. */
    static ObjectNode config(ServerCommand command) {
        return JsonConfigFile.withPyro(JSON.createObjectNode(), "mcp", entry(command));
    }

    /** {@code root} with {@code mcp.pyro} set, every other key and server kept. */
    static ObjectNode merged(ObjectNode root, ServerCommand command) {
        return JsonConfigFile.withPyro(root, "mcp", entry(command));
    }

    @Override
    public HostCheck check(ServerCommand expected) {
        boolean installed = HostCli.find(BINARY).isPresent();
        JsonConfigFile.Loaded loaded = JsonConfigFile.load(configPath);
        if (!loaded.exists()) {
            return new HostCheck(NAME, installed, false, installed ? HostCheck.MISSING : HostCheck.UNAVAILABLE,
                    "OpenCode config missing at " + configPath, null);
        }
        if (!loaded.usable()) {
            String details = loaded.problem().startsWith("invalid JSON")
                    ? "OpenCode config is " + loaded.problem() : "OpenCode config must be a JSON object";
            return new HostCheck(NAME, installed, false, installed ? HostCheck.DRIFTED : HostCheck.UNAVAILABLE,
                    details + " (" + configPath + ")", null);
        }
        if (!loaded.root().path("mcp").has("pyro")) {
            return new HostCheck(NAME, installed, false, installed ? HostCheck.MISSING : HostCheck.UNAVAILABLE,
                    "OpenCode config at " + configPath + " is missing mcp.pyro", null);
        }
        JsonNode actual = loaded.root().path("mcp").path("pyro");
        boolean matches = actual.equals(entry(expected));
        return new HostCheck(NAME, installed, true, matches ? HostCheck.OK : HostCheck.DRIFTED,
                "OpenCode config path: " + configPath + (matches ? "" : "; " + difference(actual, expected)), null);
    }

    /** Why an {@code mcp.pyro} entry is not the canonical one, in a user's terms. */
    private static String difference(JsonNode actual, ServerCommand expected) {
        List<String> argv = new ArrayList<>();
        actual.path("command").forEach(arg -> argv.add(arg.asString()));
        if (!argv.equals(expected.argv())) {
            return "mcp.pyro runs " + (argv.isEmpty() ? "no command" : HostPaths.shell(argv)) + "; expected "
                    + HostPaths.shell(expected.argv());
        }
        if (!actual.path("enabled").asBoolean(false)) {
            return "mcp.pyro is not enabled";
        }
        return "mcp.pyro has other keys than type, enabled and command";
    }

    @Override
    public ConnectResult connect(ServerCommand expected) {
        JsonConfigFile.Loaded loaded = JsonConfigFile.load(configPath);
        boolean hadEntry = loaded.usable() && loaded.root() != null && loaded.root().path("mcp").has("pyro");
        JsonConfigFile.Saved saved = JsonConfigFile.save(loaded, merged(loaded.editable(), expected));
        String action = !saved.changed() ? ConnectResult.UNCHANGED : hadEntry ? ConnectResult.UPDATED : ConnectResult.ADDED;
        return new ConnectResult(NAME, action, saved.changed(), expected.argv(), configPath.toString(),
                saved.backupPath() == null ? null : saved.backupPath().toString(), List.of(BINARY, "mcp", "list"));
    }
}
