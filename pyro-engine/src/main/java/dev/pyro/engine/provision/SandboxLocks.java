package dev.pyro.engine.provision;

import dev.pyro.api.ids.Identifiers;
import dev.pyro.engine.cache.CacheLock;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The per-sandbox lock, one-shot VM and workspace alike: every operation that changes a sandbox
 * (start, stop, reset, delete, a record update) holds it, so two operations on one sandbox run one
 * at a time while different sandboxes proceed in parallel. It is a {@link CacheLock} on
 * {@code <root>/<id>.lock}: it excludes threads of this engine and other processes on the same state
 * dir (a CLI's direct read of a workspace, a second engine racing the first at start). The lock
 * files sit in their own dir, never inside the sandbox's dir (deleting that dir must not drop a lock
 * someone waits on), and stay after a delete (a thread may be waiting on the file); {@link #prune}
 * removes those of gone sandboxes when an engine starts, so one-shot VMs (one per {@code pyro run})
 * do not leave a file each for ever.
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

    /**
     * Removes the lock files of sandboxes that no longer exist. Only for an engine that is starting
     * (it owns the state dir, and no operation of it runs yet); a file someone still holds is kept.
     * Anything in the dir that is not a lock file Pyro names is left alone.
     *
     * @return how many files were removed
     */
    public int prune(Predicate<String> exists) {
        int removed = 0;
        try (Stream<Path> files = Files.list(root)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                String id = name.endsWith(".lock") ? name.substring(0, name.length() - ".lock".length()) : "";
                if (!Identifiers.isHex12(id) || exists.test(id)
                        || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Optional<CacheLock> held = tryLock(id);
                if (held.isEmpty()) {
                    continue;
                }
                try (CacheLock lock = held.get()) {
                    Files.deleteIfExists(file);
                    removed++;
                }
            }
        } catch (NoSuchFileException e) {
            return 0; // no lock taken yet
        } catch (IOException e) {
            // best effort: a file left here is one empty file, and the next engine tries again
        }
        return removed;
    }

    /** {@code <root>/<id>.lock}: only an id as Pyro makes them (12 hex) becomes a path. */
    Path file(String id) {
        if (!Identifiers.isHex12(id)) {
            throw new IllegalArgumentException("not a sandbox id: " + (id == null ? "null" : Identifiers.quoted(id)));
        }
        return root.resolve(id + ".lock");
    }
}
