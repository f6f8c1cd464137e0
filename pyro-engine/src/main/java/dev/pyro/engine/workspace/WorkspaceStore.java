package dev.pyro.engine.workspace;

import dev.pyro.engine.PyroException;
import dev.pyro.engine.cache.CacheLock;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Workspace records on disk: {@code <state>/workspaces/<id>/workspace.json} plus the workspace's
 * other files. Writes go to a temp file renamed over the record; every read-modify-write holds the
 * workspace's lock (across processes and threads), so concurrent clients never lose an update.
 */
public final class WorkspaceStore {

    private final Path root;

    public WorkspaceStore(PyroPaths paths) {
        this.root = paths.workspacesDir();
    }

    public Path dir(String workspaceId) {
        return root.resolve(workspaceId);
    }

    Path recordFile(String workspaceId) {
        return dir(workspaceId).resolve("workspace.json");
    }

    /** Holds the workspace's lock; the lock file lives beside the workspace dirs, not inside. */
    public CacheLock lock(String workspaceId) throws IOException {
        return CacheLock.acquire(root.resolve(".locks").resolve(workspaceId + ".lock"));
    }

    /** The workspace's lock if no other thread or process holds it now. */
    public Optional<CacheLock> tryLock(String workspaceId) throws IOException {
        return CacheLock.tryAcquire(root.resolve(".locks").resolve(workspaceId + ".lock"));
    }

    public Optional<WorkspaceRecord> read(String workspaceId) {
        Path file = recordFile(workspaceId);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readValue(file.toFile(), WorkspaceRecord.class));
        } catch (RuntimeException e) {
            throw PyroException.runtime("workspace record " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    public void write(WorkspaceRecord record) {
        Path file = recordFile(record.workspaceId());
        Path tmp = file.resolveSibling("workspace.json.tmp-" + ProcessHandle.current().pid() + "-"
                + Thread.currentThread().threadId());
        try {
            Files.createDirectories(file.getParent());
            Json.writeFile(tmp, record);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp); // a full disk leaves the old record whole and no half-written copy
            } catch (IOException ignored) {
                // reported below; the next engine removes it
            }
            throw PyroException.runtime("cannot write workspace record " + file + ": " + e.getMessage(), e);
        }
    }

    public List<String> ids() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            List<String> ids = new ArrayList<>();
            dirs.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().forEach(ids::add);
            return ids;
        } catch (IOException e) {
            throw PyroException.runtime("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    public void deleteDir(String workspaceId) throws IOException {
        FileTrees.deleteRecursively(dir(workspaceId));
    }
}
