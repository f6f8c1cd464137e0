package dev.pyro.mcp.tools;

import dev.pyro.api.PyroException;
import dev.pyro.api.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One call's arguments, read with the checks a model needs to fix its call: a missing, mistyped or
 * unknown field is an error that names the field and says what is expected.
 */
public final class ToolArgs {

    private final String tool;
    private final Map<String, Object> values;

    ToolArgs(String tool, Map<String, Object> values, List<String> known, String surface) {
        this.tool = tool;
        this.values = values == null ? Map.of() : values;
        Set<String> allowed = Set.copyOf(known);
        for (String key : this.values.keySet()) {
            if (!allowed.contains(key)) {
                throw PyroException.invalid(tool + " has no argument '" + key + "' in the " + surface
                        + " surface; its arguments are: " + String.join(", ", known)
                        + (ADVANCED.contains(key) ? " (" + key + " needs --profile workspace-full)" : ""));
            }
        }
    }

    private static final Set<String> ADVANCED = Set.of("secrets", "secret_env", "network_policy", "published_ports");

    public String requiredString(String name) {
        String value = string(name, null);
        if (value == null || value.isBlank()) {
            throw PyroException.invalid(tool + ": " + name + " is required and must be a non-empty string");
        }
        return value;
    }

    public String string(String name, String fallback) {
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof String s) {
            return s;
        }
        throw PyroException.invalid(tool + ": " + name + " must be a string, got " + describe(v));
    }

    public int integer(String name, int fallback) {
        Integer v = optionalInteger(name);
        return v == null ? fallback : v;
    }

    public Integer optionalInteger(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        throw PyroException.invalid(tool + ": " + name + " must be an integer, got " + describe(v));
    }

    public boolean bool(String name, boolean fallback) {
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw PyroException.invalid(tool + ": " + name + " must be true or false, got " + describe(v));
    }

    /** The caller passed {@code name: null} (not the same as leaving it out). */
    public boolean explicitNull(String name) {
        return values.containsKey(name) && values.get(name) == null;
    }

    public boolean has(String name) {
        return values.get(name) != null;
    }

    public Map<String, String> stringMap(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getValue() instanceof String s)) {
                    throw PyroException.invalid(tool + ": " + name + "." + e.getKey() + " must be a string");
                }
                out.put(String.valueOf(e.getKey()), s);
            }
            return out;
        }
        throw PyroException.invalid(tool + ": " + name + " must be an object of strings, got " + describe(v));
    }

    public List<String> stringList(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw PyroException.invalid(tool + ": " + name + " must be a list of strings, got " + describe(v));
    }

    /** An object or list field converted to an SDK type (snake_case keys); null when absent. */
    public <T> T convert(String name, Class<T> type, String shape) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        try {
            return Json.MAPPER.convertValue(v, type);
        } catch (RuntimeException e) {
            throw PyroException.invalid(tool + ": " + name + " must be " + shape + ", got " + describe(v));
        }
    }

    private static String describe(Object v) {
        String json = Json.MAPPER.writeValueAsString(v);
        return json.length() > 60 ? json.substring(0, 57) + "..." : json;
    }
}
