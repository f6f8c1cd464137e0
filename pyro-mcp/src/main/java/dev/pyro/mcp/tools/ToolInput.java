package dev.pyro.mcp.tools;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A tool's input as a record: its JSON schema is generated from the record's components and their
 * {@link Arg}s, and a call's arguments are bound to a new record with {@link ToolArgs}' checks, so
 * the schema a model reads and the values a handler gets come from one definition.
 *
 * @param <R> the input record
 */
final class ToolInput<R extends Record> {

    /** Where a schema is shown: workspace-full or not, the server's default environment, descriptions set at run time. */
    record Surface(boolean full, String defaultEnvironment, Map<String, String> descriptions) {
    }

    private record Field(String name, RecordComponent component, Arg arg) {
    }

    private final Constructor<R> constructor;
    private final List<Field> all = new ArrayList<>();
    private final List<Field> shown = new ArrayList<>();
    private final List<Field> readOrder = new ArrayList<>();
    private final Surface surface;

    private ToolInput(Class<R> type, Surface surface) {
        this.surface = surface;
        RecordComponent[] components = type.getRecordComponents();
        for (RecordComponent c : components) {
            Arg arg = c.getAnnotation(Arg.class);
            if (arg == null) {
                throw new IllegalStateException(type.getSimpleName() + "." + c.getName() + " has no @Arg");
            }
            Field f = new Field(snakeCase(c.getName()), c, arg);
            all.add(f);
            if (surface.full() || !arg.full()) {
                shown.add(f);
            }
        }
        ReadOrder order = type.getAnnotation(ReadOrder.class);
        if (order == null) {
            readOrder.addAll(shown);
        } else {
            for (String name : order.value()) {
                Field f = all.stream().filter(x -> x.name().equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalStateException(type.getSimpleName() + " has no field " + name));
                if (shown.contains(f)) {
                    readOrder.add(f);
                }
            }
            if (!readOrder.containsAll(shown)) {
                throw new IllegalStateException(type.getSimpleName() + ": @ReadOrder misses a field");
            }
        }
        try {
            constructor = type.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    static <R extends Record> ToolInput<R> of(Class<R> type, Surface surface) {
        return new ToolInput<>(type, surface);
    }

    /** The JSON names of the fields this surface shows, in schema order. */
    List<String> names() {
        return shown.stream().map(Field::name).toList();
    }

    /** The tool's inputSchema: an object of the shown fields, nothing else allowed. */
    Map<String, Object> schema() {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Field f : shown) {
            Arg arg = f.arg();
            String description = surface.descriptions().getOrDefault(f.name(), arg.value());
            Class<?> type = f.component().getType();
            Map<String, Object> p;
            if (arg.environment()) {
                String env = surface.defaultEnvironment();
                if (env == null) {
                    required.add(f.name());
                    p = InputSchema.property("string", description, null);
                } else {
                    p = InputSchema.property("string", description + " Defaults to this server's " + env + ".", env);
                }
            } else if (!arg.schema().isEmpty()) {
                p = InputSchema.named(arg.schema());
            } else {
                p = InputSchema.property(jsonType(type), description, defaultValue(f));
                if (arg.oneOf().length > 0) {
                    p.put("enum", List.of(arg.oneOf()));
                }
                if (type == Map.class) {
                    p.put("additionalProperties", Map.of("type", "string"));
                } else if (type == List.class) {
                    p.put("items", Map.of("type", "string"));
                }
                if (arg.required()) {
                    required.add(f.name());
                }
            }
            properties.put(f.name(), p);
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", List.copyOf(required));
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    /**
     * A new record from the call's arguments, checked field by field in the read order; {@code after}
     * runs a check right after a field was read (by JSON name; it sees the values read so far).
     * Fields this surface does not show get their default.
     */
    R bind(ToolArgs args, Map<String, Consumer<Map<String, Object>>> after) {
        Map<String, Object> values = new HashMap<>();
        for (Field f : readOrder) {
            values.put(f.name(), read(args, f));
            Consumer<Map<String, Object>> check = after.get(f.name());
            if (check != null) {
                check.accept(values);
            }
        }
        Object[] ctorArgs = new Object[all.size()];
        for (int i = 0; i < all.size(); i++) {
            Field f = all.get(i);
            ctorArgs[i] = values.containsKey(f.name()) ? values.get(f.name()) : absent(f);
        }
        try {
            return constructor.newInstance(ctorArgs);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private Object read(ToolArgs a, Field f) {
        Arg arg = f.arg();
        String n = f.name();
        Class<?> type = f.component().getType();
        if (arg.environment()) {
            String env = surface.defaultEnvironment();
            return env == null ? a.requiredString(n) : a.string(n, env);
        }
        if (!arg.schema().isEmpty()) {
            return a.convert(n, type, arg.shape());
        }
        if (type == String.class) {
            if (arg.lenient()) {
                return a.string(n, "");
            }
            return arg.required() ? a.requiredString(n) : a.string(n, arg.dflt().isEmpty() ? null : arg.dflt());
        }
        if (type == int.class) {
            return a.integer(n, Integer.parseInt(arg.dflt()));
        }
        if (type == Integer.class) {
            if (arg.dflt().isEmpty()) {
                return a.optionalInteger(n);
            }
            if (a.explicitNull(n)) {
                return null; // null is not the same as leaving it out (service_logs: null means all)
            }
            Integer v = a.optionalInteger(n);
            return v == null ? Integer.valueOf(arg.dflt()) : v;
        }
        if (type == boolean.class) {
            return a.bool(n, Boolean.parseBoolean(arg.dflt()));
        }
        if (type == Map.class) {
            return a.stringMap(n);
        }
        if (type == List.class) {
            return a.stringList(n);
        }
        throw new IllegalStateException("no JSON type for " + type);
    }

    /** The value of a field this surface does not show. */
    private static Object absent(Field f) {
        Class<?> type = f.component().getType();
        if (type == int.class) {
            return f.arg().dflt().isEmpty() ? 0 : Integer.parseInt(f.arg().dflt());
        }
        if (type == boolean.class) {
            return Boolean.parseBoolean(f.arg().dflt());
        }
        return type == String.class && !f.arg().dflt().isEmpty() ? f.arg().dflt() : null;
    }

    private static Object defaultValue(Field f) {
        String d = f.arg().dflt();
        Class<?> type = f.component().getType();
        if (type == boolean.class) {
            return Boolean.parseBoolean(d.isEmpty() ? "false" : d); // a boolean always shows its default
        }
        if (d.isEmpty() || f.arg().lenient()) {
            return null;
        }
        return type == int.class || type == Integer.class ? (Object) Integer.valueOf(d) : d;
    }

    private static String jsonType(Class<?> type) {
        if (type == String.class) {
            return "string";
        }
        if (type == int.class || type == Integer.class) {
            return "integer";
        }
        if (type == boolean.class) {
            return "boolean";
        }
        if (type == Map.class) {
            return "object";
        }
        if (type == List.class) {
            return "array";
        }
        throw new IllegalStateException("no JSON type for " + type);
    }

    static String snakeCase(String camel) {
        StringBuilder out = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
