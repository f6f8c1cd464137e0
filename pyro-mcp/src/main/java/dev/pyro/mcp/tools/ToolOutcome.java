package dev.pyro.mcp.tools;

import dev.pyro.api.PyroException;
import dev.pyro.api.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a tool call returns: the spec's payload as structured content plus a short text for hosts
 * that show only text, or a tool error whose message tells the model what to change.
 */
public record ToolOutcome(Map<String, Object> structured, String text, boolean error) {

    private static final Logger LOG = LoggerFactory.getLogger(ToolOutcome.class);

    /** Runs the tool; a {@link PyroException} becomes a tool error, anything else an internal error logged to stderr. */
    public static ToolOutcome run(ToolDef tool, Map<String, Object> arguments, String surface) {
        try {
            Object result = tool.handler().call(new ToolArgs(tool.name(), arguments, tool.argNames(), surface));
            @SuppressWarnings("unchecked")
            Map<String, Object> payload = Json.MAPPER.convertValue(result, LinkedHashMap.class);
            return new ToolOutcome(payload, ToolText.render(tool.name(), payload), false);
        } catch (PyroException e) {
            return failure(e.getMessage(), e.kind().name());
        } catch (RuntimeException e) {
            LOG.error("tool {} failed unexpectedly", tool.name(), e);
            // no exception text: it names Java classes and says nothing a model can act on
            return failure("internal error in " + tool.name() + " (a Pyro bug; the server's log on stderr has the "
                    + "details)", "INTERNAL");
        }
    }

    private static ToolOutcome failure(String message, String kind) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("kind", kind);
        return new ToolOutcome(body, "error: " + message, true);
    }
}
