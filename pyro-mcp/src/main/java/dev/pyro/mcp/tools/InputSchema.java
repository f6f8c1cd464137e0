package dev.pyro.mcp.tools;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of tool schemas that {@link ToolInput} does not derive from a record's types: one
 * property, and the hand-written schemas of the fields that are objects or lists of objects.
 */
final class InputSchema {

    private InputSchema() {
    }

    /** A hand-written field schema by name (see {@link Arg#schema()}); a fresh map each time. */
    static Map<String, Object> named(String name) {
        return switch (name) {
            case "readiness" -> ordered("type", "object", "description",
                    "When the service counts as ready: {\"type\":\"file\",\"path\":\".ready\"}, "
                            + "{\"type\":\"tcp\",\"address\":\"127.0.0.1:8080\"}, "
                            + "{\"type\":\"http\",\"url\":\"http://127.0.0.1:8080/\"} or "
                            + "{\"type\":\"command\",\"command\":\"test -f ok\"}. Omit it: ready at once.",
                    "properties", ordered("type", ordered("type", "string", "enum",
                                    List.of("file", "tcp", "http", "command")),
                            "path", ordered("type", "string"), "address", ordered("type", "string"),
                            "url", ordered("type", "string"), "command", ordered("type", "string")),
                    "required", List.of("type"));
            case "secrets" -> ordered("type", "array", "description",
                    "Secrets available only inside the guest (never in /workspace, redacted from output): each "
                            + "{name, value} or {name, file_path} (a host file). Use them with secret_env.",
                    "items", ordered("type", "object", "properties", ordered(
                            "name", ordered("type", "string"),
                            "value", ordered("type", "string"),
                            "file_path", ordered("type", "string")), "required", List.of("name")));
            case "published_ports" -> ordered("type", "array", "description",
                    "Guest ports to publish on the host's 127.0.0.1 (needs network_policy "
                            + "egress+published-ports): [{\"guest_port\": 8080}] or with host_port.",
                    "items", ordered("type", "object", "properties", ordered(
                            "guest_port", ordered("type", "integer"),
                            "host_port", ordered("type", "integer")), "required", List.of("guest_port")));
            default -> throw new IllegalArgumentException("no hand-written schema " + name);
        };
    }

    /**
     * A JSON object with its keys in the order given (key, value, key, value, ...). Hand-written
     * schemas use it: {@code Map.of} iterates in an order that changes from one JVM run to the next,
     * so tools/list would not be the same bytes twice.
     */
    static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    static Map<String, Object> property(String type, String description, Object defaultValue) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", type);
        p.put("description", description);
        if (defaultValue != null) {
            p.put("default", defaultValue);
        }
        return p;
    }
}
