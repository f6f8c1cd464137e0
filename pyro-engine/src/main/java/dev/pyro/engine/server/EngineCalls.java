package dev.pyro.engine.server;

import dev.pyro.api.OutputListener;
import dev.pyro.api.Progress;
import dev.pyro.api.engine.Operation;

/**
 * How the SDK reaches an engine: an operation and its params in, its typed result out, progress and
 * command output on the way. The daemon ({@link EngineClient}) and an engine in this process
 * ({@link EmbeddedEngine}) serve the same operations through the same {@link EngineDispatcher}.
 */
public interface EngineCalls extends AutoCloseable {

    <P, R> R call(Operation<P, R> operation, P params, Progress progress, OutputListener output);

    default <P, R> R call(Operation<P, R> operation, P params) {
        return call(operation, params, Progress.NONE, OutputListener.NONE);
    }

    /**
     * The untyped form, the wire as it is: any method name (tests of the protocol itself, e.g. an
     * unknown method) and any params object.
     */
    <T> T call(String method, Object params, Class<T> type, Progress progress, OutputListener output);

    default <T> T call(String method, Object params, Class<T> type) {
        return call(method, params, type, Progress.NONE, OutputListener.NONE);
    }

    @Override
    void close();
}
