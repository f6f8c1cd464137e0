package dev.pyro.engine.server;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One cross-cutting concern around every engine operation (error translation, secret redaction,
 * ...). The dispatcher composes its steps in one place, outermost first; each step calls
 * {@code next} once (or throws), like an interceptor chain.
 */
interface DispatchStep {

    Object around(Call call, Next next);

    /** The rest of the chain: the inner steps, then the operation's handler. */
    @FunctionalInterface
    interface Next {
        Object proceed();
    }

    /** What every step may look at: the wire name, the raw params (may be null) and the request context. */
    record Call(String method, JsonNode params, RequestContext context) {

        /** The request's {@code workspace_id} as sent, or null. */
        String workspaceId() {
            return params == null ? null : params.path("workspace_id").asString(null);
        }
    }

    /** Runs {@code handler} inside {@code steps}, the first step outermost. */
    static Object run(List<DispatchStep> steps, Call call, Next handler) {
        Next next = handler;
        for (int i = steps.size() - 1; i >= 0; i--) {
            DispatchStep step = steps.get(i);
            Next inner = next;
            next = () -> step.around(call, inner);
        }
        return next.proceed();
    }
}
