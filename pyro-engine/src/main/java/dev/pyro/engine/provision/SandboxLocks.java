package dev.pyro.engine.provision;

import dev.pyro.api.ids.Identifiers;
import dev.pyro.engine.cache.CacheLock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The per-sandbox lock, one-shot VM and workspace alike: every operation that changes a sandbox
 * (start, stop, reset, delete, a record update) holds it, so two operations on one sandbox run one
 * at a time while different sandboxes proceed in parallel. It is a {@link CacheLock} on
 * {@code <root>/<id>.lock}: it excludes threads of this engine and other processes on the same state
 * dir (a CLI's direct read of a workspace, a second engine racing the first at start). The lock
 * files sit in their own dir, never inside the sandbox's dir (deleting that dir must not drop a lock
 * someone waits on), and stay after a delete, as the workspaces' always did (ids are never reused).
 */
public final class SandboxLocks {

    private final Path root;

    /** @param root the dir of the lock files, e.g. {@code <state>/workspaces/.locks} */
    public SandboxLocks(Path root) {
        this.root = root;
    }

    /** Blocks until the sandbox's lock is held (a thread holding it already may take it again). */
    public CacheLock lock(String id) throws IOException {
        return CacheLock.acquire(file(id));
    }

    /** The sandbox's lock if no other thread or process holds it now, else empty. */
    public Optional<CacheLock> tryLock(String id) throws IOException {
        return CacheLock.tryAcquire(file(id));
    }

    /** {@code <root>/<id>.lock}: only an id as Pyro makes them (12 hex) becomes a path. */
    Path file(String id) {
        if (!Identifiers.isHex12(id)) {
            throw new IllegalArgumentException("not a sandbox id: " + (id == null ? "null" : Identifiers.quoted(id)));
        }
        return root.resolve(id + ".lock");
    }
}
