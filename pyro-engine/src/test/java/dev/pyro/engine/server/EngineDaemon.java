package dev.pyro.engine.server;

import dev.pyro.engine.backend.RealSandboxes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real engine daemon per test, for the fault, load and attack tests: skips unless the backend
 * works here, makes an {@link EngineFixture} (private state, shared caches) with the environment
 * installed, and a client; after the test, deletes the workspaces it made through {@link #create}
 * or listed in {@link #ids}, and closes the fixture (no engine, sandbox or mount left).
 *
 * <pre>{@code @RegisterExtension final EngineDaemon daemon = new EngineDaemon(this::backend);}</pre>
 *
 * The backend is a supplier so that a {@code ...OnVmTest} subclass overriding {@code backend()}
 * gets its own. Tests may replace {@link #client} (after killing the engine, a new client starts a
 * new one); the clean-up uses a fresh client either way.
 */
final class EngineDaemon implements BeforeEachCallback, AfterEachCallback {

    private final Supplier<String> backend;
    private final Map<String, String> engineEnv;
    EngineFixture fixture;
    EngineClient client;
    /** Workspaces to delete after the test. */
    final List<String> ids = new ArrayList<>();

    EngineDaemon(Supplier<String> backend) {
        this(backend, Map.of());
    }

    /** With variables for the engine daemon the client starts (e.g. {@code PYRO_MAX_ACTIVE_VMS}). */
    EngineDaemon(Supplier<String> backend, Map<String, String> engineEnv) {
        this.backend = backend;
        this.engineEnv = Map.copyOf(engineEnv);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        RealSandboxes.assumeBackendWorks(backend.get());
        fixture = new EngineFixture();
        RealSandboxes.environment(fixture.paths);
        client = newClient();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (fixture != null) {
            try {
                EngineClient cleanup = newClient();
                ids.forEach(id -> EngineWorkspaces.deleteQuietly(cleanup, id));
            } finally {
                fixture.close();
                fixture = null;
                ids.clear();
            }
        }
    }

    /** A fresh client of this test's engine (it starts the engine if none runs). */
    EngineClient newClient() {
        return engineEnv.isEmpty() ? fixture.client() : fixture.client(engineEnv);
    }

    /** A workspace on this test's backend, deleted after the test. */
    String create(int memMib) {
        String id = EngineWorkspaces.create(client, backend.get(), memMib);
        ids.add(id);
        return id;
    }
}
