package dev.pyro.api.engine;

import java.util.List;

/**
 * One engine operation, declared once: its wire name, its params record, its result type and the
 * params it cannot do without. The dispatcher registers one handler per operation and checks the
 * required fields before it, the clients send it, the SDK calls it. {@code element} is the element
 * type when the result is a list (else null). {@code required} names wire fields (snake_case; a
 * dot reaches into an object, {@code request.environment}) in the order they are checked: the
 * first one missing is the one the error names.
 */
public record Operation<P, R>(String name, Class<P> params, Class<R> result, Class<?> element, List<String> required) {

    public Operation {
        required = List.copyOf(required);
    }

    public static <P, R> Operation<P, R> of(String name, Class<P> params, Class<R> result) {
        return new Operation<>(name, params, result, null, List.of());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <P, E> Operation<P, List<E>> ofList(String name, Class<P> params, Class<E> element) {
        return new Operation<>(name, params, (Class<List<E>>) (Class) List.class, element, List.of());
    }

    /** This operation, with {@code fields} required (missing or JSON null is missing), checked in this order. */
    public Operation<P, R> requires(String... fields) {
        return new Operation<>(name, params, result, element, List.of(fields));
    }

    @Override
    public String toString() {
        return name;
    }
}
