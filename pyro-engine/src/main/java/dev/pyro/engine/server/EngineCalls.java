package dev.pyro.engine.server;

import dev.pyro.api.OutputListener;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;

/**
 * How the SDK reaches an engine: a method name and params in, a typed result out, progress and
 * command output on the way. The daemon ({@link EngineClient}) and an engine in this process
 * ({@link EmbeddedEngine}) serve the same methods through the same {@link EngineDispatcher}.
 */
public interface EngineCalls extends AutoCloseable {

    <T> T call(String method, Object params, Class<T> type, Progress progress, OutputListener output);

    default <T> T call(String method, Object params, Class<T> type) {
        return call(method, params, type, Progress.NONE, OutputListener.NONE);
    }

    @Override
    void close();
}
