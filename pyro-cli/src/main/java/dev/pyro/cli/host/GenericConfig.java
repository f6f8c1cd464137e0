package dev.pyro.cli.host;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code mcpServers} JSON most other MCP clients read (Claude Desktop, Cursor, ...):
 * {@code {"mcpServers": {"pyro": {"command": ..., "args": [...]}}}}.
 */
final class GenericConfig {

    static final String NAME = "generic";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private GenericConfig() {
    }

    static ObjectNode entry(ServerCommand command) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("command", command.argv().get(0));
        ArrayNode args = entry.putArray("args");
        command.argv().subList(1, command.argv().size()).forEach(args::add);
        return entry;
    }

    static ObjectNode config(ServerCommand command) {
        return JsonConfigFile.withPyro(JSON.createObjectNode(), "mcpServers", entry(command));
    }

    /** {@code root} with {@code mcpServers.pyro} set, every other key and server kept. */
    static ObjectNode merged(ObjectNode root, ServerCommand command) {
        return JsonConfigFile.withPyro(root, "mcpServers", entry(command));
    }
}
