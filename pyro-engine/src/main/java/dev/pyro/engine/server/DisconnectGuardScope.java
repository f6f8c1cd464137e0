package dev.pyro.engine.server;

/**
 * The request's {@link DisconnectGuard} covers the request and no longer: once the handler has
 * returned or thrown, a client that goes away (as every client does after its answer) deletes
 * nothing. Outermost, so the guard is released whatever the inner steps make of the outcome.
 */
final class DisconnectGuardScope implements DispatchStep {

    @Override
    public Object around(Call call, Next next) {
        try {
            return next.proceed();
        } finally {
            if (call.context() != null) {
                call.context().guard().finish();
            }
        }
    }
}
