package dev.pyro.engine.workspace;

import dev.pyro.api.Progress;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.cache.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The set-up the real-gVisor workspace tests share: the backend check, a {@link WorkspaceManager}
 * over a private temp state dir (the caches stay shared), and a {@link #close} that deletes every
 * workspace it holds, closes it and removes the dir. Open it in {@code @BeforeEach} or
 * {@code @BeforeAll}, close it in the matching after-method.
 */
public final class GvisorManager implements AutoCloseable {

    public final Path state;
    public final WorkspaceManager manager;

    private GvisorManager(Path state, WorkspaceManager manager) {
        this.state = state;
        this.manager = manager;
    }

    /** Skips the test when gVisor does not work here; {@code prefix} names the temp state dir. */
    public static GvisorManager open(String prefix, int maxWorkspaces) throws IOException {
        RealSandboxes.assumeBackendWorks("gvisor");
        Path state = Files.createTempDirectory(prefix);
        return new GvisorManager(state, new WorkspaceManager(RealSandboxes.paths(state), maxWorkspaces, () -> 0));
    }

    /** The default request of these tests: the shared environment on gVisor. */
    public static WorkspaceRequest request() {
        return WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("gvisor", false);
    }

    /** Creates a workspace of {@link #request()} and returns its id. */
    public String create() {
        return manager.create(request(), Progress.NONE).workspaceId();
    }

    @Override
    public void close() throws IOException {
        try {
            manager.list().workspaces().forEach(w -> manager.delete(w.workspaceId()));
            manager.close();
        } finally {
            FileTrees.deleteRecursively(state);
        }
    }
}
