package dev.pyro.engine.workspace;

import dev.pyro.api.state.WorkspaceState;
import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.backend.SandboxStall;
import dev.pyro.engine.backend.Sandboxes;
import dev.pyro.engine.cache.CacheLock;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.api.ids.WorkspaceId;
import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * What every workspace operation shares, and all the feature services (shells, services,
 * snapshots, disk, files) get: the record store, the live/started/stopped gates, the agent
 * connections, the clock. It never calls lifecycle, commands or recovery; the one thing it needs
 * from them, reaping expired workspaces, is a hook the {@link WorkspaceManager} installs.
 */
public final class WorkspaceContext implements AutoCloseable {

    private final PyroPaths paths;
    private final WorkspaceStore store;
    private final Sandboxes sandboxes;
    private final DoubleSupplier clock;
    private final Map<String, AgentConnection> agents = new ConcurrentHashMap<>();
    /** Workspaces whose sandbox was found paused on a full disk: checked before their next call. */
    private final Set<String> stalled = ConcurrentHashMap.newKeySet();
    private final List<Consumer<String>> endingListeners = new CopyOnWriteArrayList<>();
    private volatile Runnable reaper = () -> {
    };

    WorkspaceContext(PyroPaths paths, DoubleSupplier clock) {
        this.paths = paths;
        this.store = new WorkspaceStore(paths);
        this.sandboxes = new Sandboxes(paths);
        this.clock = clock;
    }

    /** Installs what deletes every expired workspace (recovery's reap); called once, at wiring. */
    void onReap(Runnable reaper) {
        this.reaper = reaper;
    }

    /** Deletes every workspace whose TTL ran out, through the installed hook. */
    void reapExpired() {
        reaper.run();
    }

    public WorkspaceStore store() {
        return store;
    }

    public PyroPaths paths() {
        return paths;
    }

    public DoubleSupplier clock() {
        return clock;
    }

    Sandboxes sandboxes() {
        return sandboxes;
    }

    // ------------------------------------------------------------------ gates

    /** The record, unless the workspace is unknown or expired (then it is reaped and the caller told). */
    public WorkspaceRecord live(String id) {
        WorkspaceRecord record = store.read(WorkspaceId.of(id)).orElseThrow(() -> notFound(id));
        if (record.expiresAt() <= clock.getAsDouble()) {
            reapExpired();
            throw expired(id);
        }
        return record;
    }

    /** The live-operation gate: known, not expired, and started. */
    public WorkspaceRecord requireStarted(String id, String operation) {
        WorkspaceRecord record = refreshLiveness(live(id));
        if (!WorkspaceState.STARTED.is(record.state())) {
            throw PyroException.invalid("workspace " + id + " must be in 'started' state before " + operation
                    + (record.lastError() == null ? "" : " (it stopped: " + record.lastError() + ")"));
        }
        return record;
    }

    /** The disk tools' gate (spec §12.4): known, not expired, and stopped. */
    public WorkspaceRecord requireStopped(String id, String operation) {
        WorkspaceRecord record = refreshLiveness(live(id));
        if (!WorkspaceState.STOPPED.is(record.state())) {
            throw notStopped(id, operation);
        }
        return record;
    }

    public static PyroException notStopped(String id, String operation) {
        return PyroException.invalid("workspace '" + id + "' must be stopped before " + operation
                + "; run: pyro workspace stop " + id);
    }

    /** Unknown, or reaped by its TTL earlier (then the spec's expired message, as for a live expired one). */
    PyroException notFound(String id) {
        if (store.wasExpired(WorkspaceId.of(id))) {
            return expired(id);
        }
        return PyroException.invalid("workspace '" + id + "' does not exist");
    }

    static PyroException expired(String id) {
        return PyroException.invalid("workspace '" + id + "' expired and was automatically deleted");
    }

    // ------------------------------------------------------------------ liveness

    /**
     * A workspace whose guest died behind our back is stopped, with the reason recorded. Whatever
     * else still runs on its runtime dir goes too: a sandbox that a killed engine was starting
     * (mid-reset or mid-start) outlives the record that would have named it. Skipped while another
     * operation holds the workspace: it records its own outcome.
     */
    WorkspaceRecord refreshLiveness(WorkspaceRecord record) {
        if (!guestDied(record)) {
            return record;
        }
        String id = record.workspaceId();
        try {
            Optional<CacheLock> held = store.tryLock(WorkspaceId.of(id));
            if (held.isEmpty()) {
                return record;
            }
            try (CacheLock lock = held.get()) {
                WorkspaceRecord current = store.read(WorkspaceId.of(id)).orElseThrow(() -> notFound(id));
                if (!guestDied(current)) {
                    return current;
                }
                closeAgent(id);
                String reason = sandboxes.backendOf(current.sandbox()).stoppedReason(current.sandbox());
                try {
                    releaseSandbox(current.sandbox());
                } catch (IOException e) {
                    // stopped all the same; a later stop, start or delete tries the unmount again
                    System.err.println("pyro: releasing the sandbox of workspace " + id + ": " + ErrorText.of(e));
                }
                WorkspaceRecord stopped = current.with(b -> {
                    b.state = WorkspaceState.STOPPED.value();
                    b.lastError = reason != null ? reason : "backing guest process is no longer running";
                    b.sandbox = b.sandbox.withPid(0);
                });
                store.write(stopped);
                return stopped;
            }
        } catch (IOException e) {
            throw PyroException.runtime("cannot update workspace " + id + ": " + ErrorText.of(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PyroException.runtime("interrupted while checking workspace " + id, e);
        }
    }

    /**
     * Everything a sandbox that is not running may still hold goes: processes naming its dir (a
     * sandbox a killed engine was starting), then what its backend's stop releases (gVisor: runsc
     * state, the rootfs overlay and the layer's loop mount), then any mount left under its dir.
     * Whatever instant an engine was killed at, a stopped workspace then holds nothing.
     */
    void releaseSandbox(SandboxRecord sandbox) throws IOException, InterruptedException {
        Path workDir = sandbox.workDir();
        dev.pyro.engine.backend.SandboxProcesses.killAllMentioning(workDir.toString());
        if (Files.isDirectory(workDir)) {
            sandboxes.backendOf(sandbox).stop(sandbox.withPid(0));
        }
        if (!dev.pyro.engine.backend.HostMounts.unmountAllUnder(workDir)) {
            throw new IOException("cannot unmount what is mounted under " + workDir);
        }
    }

    private boolean guestDied(WorkspaceRecord record) {
        return WorkspaceState.STARTED.is(record.state()) && record.sandbox() != null
                && !sandboxes.backendOf(record.sandbox()).isRunning(record.sandbox());
    }

    // ------------------------------------------------------------------ records

    /** Read-modify-write of one record under its lock. */
    WorkspaceRecord mutate(String id, WorkspaceRecord.Change change) {
        try (CacheLock lock = store.lock(WorkspaceId.of(id))) {
            WorkspaceRecord updated = store.read(WorkspaceId.of(id)).orElseThrow(() -> notFound(id)).with(change);
            store.write(updated);
            return updated;
        } catch (IOException e) {
            throw PyroException.runtime("cannot update workspace " + id + ": " + ErrorText.of(e), e);
        }
    }

    /** Bumps {@code last_activity_at} (an agent acted on the workspace). */
    public void touch(String id) {
        double now = clock.getAsDouble();
        mutate(id, b -> b.lastActivityAt = now);
    }

    /** Whether {@code workspaces/<id>/workspace.json} exists but cannot be read. */
    boolean unreadable(String id) {
        if (!Files.exists(store.dir(WorkspaceId.of(id)).resolve("workspace.json"))) {
            return false;
        }
        try {
            store.read(WorkspaceId.of(id));
            return false;
        } catch (PyroException e) {
            return true;
        }
    }

    Optional<WorkspaceRecord> readIfPresent(String id) {
        try {
            return store.read(WorkspaceId.of(id));
        } catch (PyroException e) {
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------ agents

    public AgentConnection agent(WorkspaceRecord record) {
        if (stalled.contains(record.workspaceId())) {
            if (sandboxes.backendOf(record.sandbox()).resumeIfStalled(record.sandbox()) == SandboxStall.DISK_FULL) {
                throw Sandboxes.pausedOnFullDisk(record.sandbox()); // at once, not after another timeout
            }
            stalled.remove(record.workspaceId());
        }
        AgentConnection agent = agents.get(record.workspaceId());
        if (agent != null && agent.isOpen()) {
            return agent;
        }
        return connect(record.workspaceId(), record.sandbox());
    }

    /** A workspace whose sandbox paused on a full disk: its next agent call checks it again first. */
    void markStalled(String id) {
        stalled.add(id);
    }

    AgentConnection connect(String id, SandboxRecord sandbox) {
        AgentConnection agent = sandboxes.connect(sandbox);
        AgentConnection previous = agents.put(id, agent);
        if (previous != null && previous != agent) {
            previous.close();
        }
        return agent;
    }

    void closeAgent(String id) {
        AgentConnection agent = agents.remove(id);
        if (agent != null) {
            agent.close();
        }
    }

    // ------------------------------------------------------------------ sandbox ending

    /** Called before a workspace's sandbox goes away (stop, reset, delete): shells end with it. */
    public void onSandboxEnding(Consumer<String> listener) {
        endingListeners.add(listener);
    }

    void sandboxEnding(String id) {
        endingListeners.forEach(l -> {
            try {
                l.accept(id);
            } catch (RuntimeException e) {
                System.err.println("pyro: cleaning up workspace " + id + ": " + ErrorText.of(e));
            }
        });
    }

    @Override
    public void close() {
        List.copyOf(agents.keySet()).forEach(this::closeAgent);
    }
}
