package dev.pyro.engine.server;

import dev.pyro.api.OutputListener;
import dev.pyro.api.PyroException;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.api.Json;
import dev.pyro.api.Progress;
import dev.pyro.api.engine.EngineInfo;
import dev.pyro.api.engine.Operation;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import tools.jackson.databind.JsonNode;

/**
 * The engine in this process (tests, single-process apps): the same managers and dispatcher as the
 * daemon, called directly. While open it is the state dir's engine, so it holds the engine lock: a
 * daemon and an embedded engine must not both own the same sandboxes.
 */
public final class EmbeddedEngine implements EngineCalls {

    private final PyroPaths paths;
    private EngineLock lock;
    private EngineServices services;

    public EmbeddedEngine(PyroPaths paths) {
        this.paths = paths;
    }

    private synchronized EngineServices services() {
        if (services == null) {
            EngineFiles files = new EngineFiles(paths.stateDir());
            files.prepareStateDir();
            EngineFiles.checkCacheDirs(paths);
            try {
                lock = EngineLock.tryAcquire(files.lock()).orElseThrow(() -> PyroException.runtime(
                        "another pyro engine manages " + paths.stateDir() + "; use Pyro.create() to share it, "
                                + "or give the embedded engine its own state dir", null));
            } catch (IOException e) {
                throw PyroException.runtime("cannot lock " + files.lock() + ": " + ErrorText.of(e), e);
            }
            services = new EngineServices(paths, EngineSettings.fromEnvironment(), EngineLog.discard(),
                    () -> new EngineInfo(ProcessHandle.current().pid(), EngineProtocol.VERSION,
                            EngineBuild.current(), paths.stateDir().toString(), 0, 0, 0),
                    () -> { });
        }
        return services;
    }

    @Override
    public <P, R> R call(Operation<P, R> operation, P params, Progress progress, OutputListener output) {
        return call(operation.name(), params, operation.result(), progress, output);
    }

    @Override
    public <T> T call(String method, Object params, Class<T> type, Progress progress, OutputListener output) {
        EngineDispatcher dispatcher = services().dispatcher();
        JsonNode node = Json.MAPPER.valueToTree(params == null ? java.util.Map.of() : params);
        Object result = dispatcher.dispatch(method, node,
                new RequestContext(EventSink.of(progress, output), new DisconnectGuard(dispatcher::deleteAbandonedVm)));
        return type.isInstance(result) ? type.cast(result) : Json.MAPPER.convertValue(result, type);
    }

    @Override
    public synchronized void close() {
        if (services != null) {
            services.close();
            services = null;
        }
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }
}
