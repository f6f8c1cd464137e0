package dev.pyro.mcp.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A tool's JSON schema (an object of named parameters), built field by field. */
public final class InputSchema {

    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final List<String> required = new ArrayList<>();

    public static InputSchema object() {
        return new InputSchema();
    }

    public InputSchema requiredString(String name, String description) {
        required.add(name);
        return field(name, "string", description, null);
    }

    public InputSchema string(String name, String description, String defaultValue) {
        return field(name, "string", description, defaultValue);
    }

    public InputSchema requiredInteger(String name, String description) {
        required.add(name);
        return field(name, "integer", description, null);
    }

    public InputSchema integer(String name, String description, Integer defaultValue) {
        return field(name, "integer", description, defaultValue);
    }

    public InputSchema bool(String name, String description, boolean defaultValue) {
        return field(name, "boolean", description, defaultValue);
    }

    public InputSchema oneOf(String name, String description, String defaultValue, List<String> values) {
        Map<String, Object> p = property("string", description, defaultValue);
        p.put("enum", values);
        properties.put(name, p);
        return this;
    }

    public InputSchema stringMap(String name, String description) {
        Map<String, Object> p = property("object", description, null);
        p.put("additionalProperties", Map.of("type", "string"));
        properties.put(name, p);
        return this;
    }

    public InputSchema stringList(String name, String description) {
        Map<String, Object> p = property("array", description, null);
        p.put("items", Map.of("type", "string"));
        properties.put(name, p);
        return this;
    }

    /** A field with a hand-written schema (objects and lists of objects). */
    public InputSchema custom(String name, Map<String, Object> schema) {
        properties.put(name, schema);
        return this;
    }

    /**
     * A JSON object with its keys in the order given (key, value, key, value, ...). Hand-written
     * schemas use it: {@code Map.of} iterates in an order that changes from one JVM run to the next,
     * so tools/list would not be the same bytes twice.
     */
    public static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", List.copyOf(required));
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    public List<String> names() {
        return List.copyOf(properties.keySet());
    }

    private InputSchema field(String name, String type, String description, Object defaultValue) {
        properties.put(name, property(type, description, defaultValue));
        return this;
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
