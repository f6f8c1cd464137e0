package dev.pyro.api.engine;

import java.util.List;

/**
 * One engine operation, declared once: its wire name, its params record and its result type. The
 * dispatcher registers one handler per operation, the clients send it, the SDK calls it.
 * {@code element} is the element type when the result is a list (else null).
 */
public record Operation<P, R>(String name, Class<P> params, Class<R> result, Class<?> element) {

    public static <P, R> Operation<P, R> of(String name, Class<P> params, Class<R> result) {
        return new Operation<>(name, params, result, null);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <P, E> Operation<P, List<E>> ofList(String name, Class<P> params, Class<E> element) {
        return new Operation<>(name, params, (Class<List<E>>) (Class) List.class, element);
    }

    @Override
    public String toString() {
        return name;
    }
}
