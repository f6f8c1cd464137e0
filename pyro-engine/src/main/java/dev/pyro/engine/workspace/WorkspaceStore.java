package dev.pyro.engine.workspace;

import dev.pyro.api.state.BackendName;
import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.SandboxRecordCheck;
import dev.pyro.engine.cache.CacheLock;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.provision.SandboxLocks;
import dev.pyro.api.PyroPaths;
import dev.pyro.api.ids.Identifiers;
import dev.pyro.api.ids.WorkspaceId;
import dev.pyro.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Workspace records on disk: {@code <state>/workspaces/<id>/workspace.json} plus the workspace's
 * other files. Writes go to a temp file renamed over the record; every read-modify-write holds the
 * workspace's lock (across processes and threads), so concurrent clients never lose an update.
 */
public final class WorkspaceStore {

    static final String RECORD = "workspace.json";
    static final Duration EXPIRED_KEPT = Duration.ofDays(7);
    /** Backends a workspace may have (create refuses {@code host}); a record naming another is refused. */
    private static final Set<String> BACKENDS = Set.of(BackendName.GVISOR.value(), BackendName.VM.value());

    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    private final PyroPaths paths;
    private final Path root;
    /** In {@code .locks} beside the workspace dirs, not inside: deleting a workspace's dir keeps its lock. */
    private final SandboxLocks locks;

    public WorkspaceStore(PyroPaths paths) {
        this.paths = paths;
        this.root = paths.workspacesDir();
        this.locks = new SandboxLocks(root.resolve(".locks"));
    }

    /** {@code <state>/workspaces/<id>}: only a checked id becomes a path (no absolute, {@code ..} or {@code a/b}). */
    public Path dir(WorkspaceId id) {
        return root.resolve(id.value());
    }

    Path recordFile(WorkspaceId id) {
        return dir(id).resolve(RECORD);
    }

    /** Holds the workspace's lock ({@link SandboxLocks}, the model one-shot VMs share). */
    public CacheLock lock(WorkspaceId id) throws IOException {
        return locks.lock(id.value());
    }

    /** The workspace's lock if no other thread or process holds it now. */
    public Optional<CacheLock> tryLock(WorkspaceId id) throws IOException {
        return locks.tryLock(id.value());
    }

    /**
     * The record in the workspace's own dir, empty if there is none. A record is believed only where
     * the engine wrote it: a regular file (not a symlink) in a real dir named by the id, naming that
     * same id, with a backend a workspace can have and a sandbox inside its own {@code runtime} dir.
     * Anything else is refused as damaged (list shows it, delete removes the dir, nothing else uses it).
     */
    public Optional<WorkspaceRecord> read(WorkspaceId id) {
        Path dir = dir(id);
        Path file = dir.resolve(RECORD);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw PyroException.runtime("workspace record " + file + " is not a regular file", null);
        }
        WorkspaceRecord record;
        try {
            record = Json.MAPPER.readValue(file.toFile(), WorkspaceRecord.class);
        } catch (RuntimeException e) {
            throw PyroException.runtime("workspace record " + file + " is unreadable: " + e.getMessage(), e);
        }
        String problem = problem(id, record);
        if (problem != null) {
            throw PyroException.runtime("workspace record " + file + " is refused: " + problem
                    + "; Pyro did not write it so (remove it with: pyro workspace delete " + id + ")", null);
        }
        return Optional.of(record);
    }

    private String problem(WorkspaceId id, WorkspaceRecord record) {
        if (!id.value().equals(record.workspaceId())) {
            return "it names workspace " + (record.workspaceId() == null ? "null"
                    : Identifiers.quoted(record.workspaceId())) + ", not its own dir's";
        }
        if (!BACKENDS.contains(record.backend())) {
            return "backend '" + record.backend() + "' is not one a workspace can have (gvisor, vm)";
        }
        for (SecretMeta secret : record.secretList()) {
            // the engine names a secret's file after the secret; any other path could read a host file into a guest
            if (secret == null || secret.name() == null || !SECRET_NAME.matcher(secret.name()).matches()
                    || !(secret.name() + ".secret").equals(secret.storedPath())) {
                return "a secret's stored path is not the one Pyro gives it";
            }
        }
        return SandboxRecordCheck.problem(record.sandbox(), id.value(), record.backend(),
                dir(id).resolve("runtime"), paths);
    }

    public void write(WorkspaceRecord record) {
        Path file = recordFile(WorkspaceId.of(record.workspaceId()));
        Path tmp = file.resolveSibling(RECORD + ".tmp-" + ProcessHandle.current().pid() + "-"
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

    /**
     * The workspace dirs: real directories whose names are workspace ids. Anything else in the
     * workspaces dir (a stray file, a symlink, a dir someone named {@code ../x} or {@code notes})
     * is no workspace: not listed, not counted against capacity, not reaped or removed.
     */
    public List<WorkspaceId> ids() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(p -> Identifiers.isHex12(p.getFileName().toString()))
                    .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> WorkspaceId.of(p.getFileName().toString()))
                    .sorted(Comparator.comparing(WorkspaceId::value))
                    .toList();
        } catch (IOException e) {
            throw PyroException.runtime("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Remembers that the TTL reaper deleted {@code id}, so a later call on it says "expired and was
     * automatically deleted" (spec §7.2) rather than "does not exist". Kept for {@link #EXPIRED_KEPT}.
     */
    public void markExpired(WorkspaceId id) {
        try {
            Path dir = root.resolve(".expired");
            Files.createDirectories(dir);
            Files.write(dir.resolve(id.value()), new byte[0]);
        } catch (IOException e) {
            // only the wording of a later error depends on it
        }
    }

    public boolean wasExpired(WorkspaceId id) {
        return Files.isRegularFile(root.resolve(".expired").resolve(id.value()), LinkOption.NOFOLLOW_LINKS);
    }

    /** Forgets reaped ids older than {@link #EXPIRED_KEPT}. */
    public void pruneExpiredMarks() {
        Path dir = root.resolve(".expired");
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        long cutoff = System.currentTimeMillis() - EXPIRED_KEPT.toMillis();
        try (Stream<Path> marks = Files.list(dir)) {
            for (Path mark : marks.toList()) {
                if (Files.getLastModifiedTime(mark, LinkOption.NOFOLLOW_LINKS).toMillis() < cutoff) {
                    Files.deleteIfExists(mark);
                }
            }
        } catch (IOException e) {
            // tried again at the next reap
        }
    }

    public void deleteDir(WorkspaceId id) throws IOException {
        FileTrees.deleteRecursively(dir(id));
    }
}
