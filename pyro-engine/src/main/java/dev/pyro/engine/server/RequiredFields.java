package dev.pyro.engine.server;

import dev.pyro.api.PyroException;
import dev.pyro.api.engine.Operation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The fields an operation cannot do without, as its {@link Operation#required()} declares them, checked
 * on the request's params before its handler runs, in the declared order: the first missing one (absent
 * or JSON null) is the one named, {@code engine request is missing 'command'}. The dispatcher runs this
 * step once the params decoded, so a type error or a bad id in them is still reported first.
 */
final class RequiredFields implements DispatchStep {

    private final Map<String, List<String>> required = new HashMap<>();

    RequiredFields(List<Operation<?, ?>> operations) {
        for (Operation<?, ?> operation : operations) {
            required.put(operation.name(), operation.required());
        }
    }

    @Override
    public Object around(Call call, Next next) {
        for (String field : required.getOrDefault(call.method(), List.of())) {
            if (missing(call.params(), field)) {
                throw PyroException.invalid("engine request is missing '" + field + "'");
            }
        }
        return next.proceed();
    }

    /** Whether {@code field} (a dot reaches into an object: {@code request.environment}) is absent or null. */
    static boolean missing(JsonNode params, String field) {
        JsonNode node = params;
        for (String name : field.split("\\.")) {
            node = node == null ? null : node.get(name);
        }
        return node == null || node.isNull();
    }
}
