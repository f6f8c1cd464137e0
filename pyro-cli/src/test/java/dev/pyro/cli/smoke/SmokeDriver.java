package dev.pyro.cli.smoke;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One way a recipe reaches Pyro, spoken in MCP tool names and arguments so a recipe is written once:
 * {@link McpSessionDriver} sends them to a real {@code pyro mcp serve} through the official
 * TypeScript client; {@link SdkDriver} turns them into calls of the Java SDK's typed methods.
 */
public interface SmokeDriver extends AutoCloseable {

    /** "mcp" or "sdk", for log lines and test names. */
    String kind();

    /** The tool's structured result; a tool error fails the smoke with the tool's message. */
    default JsonNode call(String tool, Map<String, Object> args) {
        Reply reply = attempt(tool, args);
        if (reply.isError()) {
            throw new AssertionError(kind() + " " + tool + " " + args + " failed: " + reply.text());
        }
        return reply.structured();
    }

    /** The tool's result or error, for steps that expect a refusal. */
    Reply attempt(String tool, Map<String, Object> args);

    @Override
    void close();

    /** What a tool call returned: the structured payload, the text a host shows, and whether it failed. */
    record Reply(JsonNode structured, String text, boolean isError) {
    }
}
