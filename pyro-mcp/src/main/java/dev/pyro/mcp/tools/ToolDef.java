package dev.pyro.mcp.tools;

import java.util.List;
import java.util.Map;

/** One MCP tool as data: its name, the description a model reads, its input schema, and what it does. */
public record ToolDef(String name, String description, Map<String, Object> inputSchema, List<String> argNames,
                      Handler handler) {

    @FunctionalInterface
    public interface Handler {
        /** The SDK result (a record or map), serialized as the tool's structured content. */
        Object call(ToolArgs args);
    }
}
