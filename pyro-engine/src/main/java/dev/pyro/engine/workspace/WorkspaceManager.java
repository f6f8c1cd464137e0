package dev.pyro.engine.workspace;

import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.OutputListener;
import dev.pyro.api.workspace.SeedOrigin;
import dev.pyro.api.workspace.CommandEntry;
import dev.pyro.api.workspace.LastCommand;
import dev.pyro.api.workspace.WorkspaceSeed;
import dev.pyro.api.workspace.WorkspaceDeleteResult;
import dev.pyro.api.workspace.WorkspaceExecResult;
import dev.pyro.api.workspace.WorkspaceLogs;
import dev.pyro.api.workspace.WorkspaceList;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.api.ids.WorkspaceId;
import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.BackendChoice;
import dev.pyro.engine.backend.BackendSelector;
import dev.pyro.engine.backend.SandboxBackend;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.backend.SandboxRequest;
import dev.pyro.engine.backend.Sandboxes;
import dev.pyro.engine.backend.vm.GuestKernels;
import dev.pyro.engine.backend.SandboxStall;
import dev.pyro.engine.cache.CacheLock;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.environment.EnvironmentCatalog;
import dev.pyro.engine.environment.EnvironmentInstaller;
import dev.pyro.engine.environment.EnvironmentSpec;
import dev.pyro.engine.environment.EnvironmentStore;
import dev.pyro.engine.environment.InstallState;
import dev.pyro.engine.guest.ExecOutcome;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import dev.pyro.engine.template.CloneRefresh;
import dev.pyro.api.vm.VmLimits;
import dev.pyro.engine.workspace.disk.WorkspaceDisk;
import dev.pyro.api.workspace.files.ImportResult;
import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentException;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;

/**
 * Persistent workspaces (spec §7.2): a sandbox whose {@code /workspace} lives on, seeded at create,
 * with an immutable baseline, a command journal, stop/start, reset to the baseline, and TTL reaping.
 * Records live on disk ({@link WorkspaceStore}); every record update holds the workspace's lock.
 */
public final class WorkspaceManager implements AutoCloseable {

    public static final String OFF = "off";
    public static final String EGRESS = "egress";
    public static final String EGRESS_PUBLISHED_PORTS = "egress+published-ports";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);
    /** last_error of a workspace whose reset did not finish (a killed engine): its sandbox is half made. */
    static final String RESET_CUT_SHORT = "its last reset did not finish, so its sandbox is incomplete; "
            + "run: pyro workspace reset ";

    private final PyroPaths paths;
    private final WorkspaceStore store;
    private final BackendSelector selector;
    private final Sandboxes sandboxes;
    private final EnvironmentStore environments;
    private final int maxActive;
    private final IntSupplier otherActive;
    private final DoubleSupplier clock;
    private final Map<String, AgentConnection> agents = new ConcurrentHashMap<>();
    /** Workspaces whose sandbox was found paused on a full disk: checked before their next call. */
    private final java.util.Set<String> stalled = ConcurrentHashMap.newKeySet();
    private final List<java.util.function.Consumer<String>> endingListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public WorkspaceManager(PyroPaths paths, int maxActive, IntSupplier otherActive) {
        this(paths, maxActive, otherActive, () -> System.currentTimeMillis() / 1000.0);
    }

    WorkspaceManager(PyroPaths paths, int maxActive, IntSupplier otherActive, DoubleSupplier clock) {
        this.paths = paths;
        this.store = new WorkspaceStore(paths);
        this.selector = new BackendSelector(paths);
        this.sandboxes = new Sandboxes(paths);
        this.environments = new EnvironmentStore(paths);
        this.maxActive = maxActive;
        this.otherActive = otherActive;
        this.clock = clock;
    }

    public int count() {
        return store.ids().size();
    }

    // ------------------------------------------------------------------ create, list, status, update

    public WorkspaceInfo create(WorkspaceRequest request, Progress progress) {
        return create(request, null, progress);
    }

    /** {@code origin}: null, or where the (staged) seed path really came from. */
    public WorkspaceInfo create(WorkspaceRequest request, SeedOrigin origin, Progress progress) {
        VmLimits.validate(request.vcpuCount(), request.memMib(), request.ttlSeconds());
        EnvironmentSpec spec = EnvironmentCatalog.get(request.environment());
        String policy = networkPolicy(request.networkPolicy());
        String name = WorkspaceNames.name(request.name());
        SortedMap<String, String> labels = WorkspaceNames.labels(request.labels());
        reapExpired();
        if (count() + otherActive.getAsInt() >= maxActive) {
            throw PyroException.invalid("max active VMs reached (" + maxActive + "); delete old VMs first");
        }
        String id = WorkspaceId.random().value();
        Path dir = store.dir(WorkspaceId.of(id));
        SandboxRecord sandbox = null;
        SandboxBackend backend = null;
        try {
            Files.createDirectories(dir);
            WorkspaceSeed seed = Baseline.prepare(request.seedPath(), dir, origin);
            List<SecretMeta> secrets = WorkspaceSecrets.prepare(request.secrets(), dir);
            BackendChoice choice = selector.select(BackendSelector.requested(request.backend()),
                    networked(policy), request.allowHostCompat(), progress);
            if ("host".equals(choice.backend().name())) {
                throw PyroException.invalid("workspaces need an isolating backend (vm or gvisor) in this release; "
                        + "the host backend serves only pyro run");
            }
            backend = choice.backend();
            InstallState install = new EnvironmentInstaller(environments,
                    new GuestKernels(paths)::expectedVersionIfKnown).ensureInstalled(spec.name(), progress);
            progress.phase("create", "workspace_id=" + id);
            sandbox = backend.create(new SandboxRequest(id, spec, install, request.vcpuCount(), request.memMib(),
                    networked(policy), dir.resolve("runtime"), true));
            progress.phase("start", "workspace_id=" + id);
            sandbox = backend.start(sandbox, READY_TIMEOUT);
            AgentConnection agent = connect(id, sandbox);
            CloneRefresh.Pending refresh = CloneRefresh.needed(sandbox) ? CloneRefresh.begin(agent) : null;
            WorkspaceSecrets.install(agent, dir, secrets);
            progress.phase("seed", "workspace_id=" + id);
            ImportResult imported = Baseline.importInto(agent, Baseline.archive(dir));
            if (refresh != null) {
                refresh.await();
            }
            double now = clock.getAsDouble();
            WorkspaceRecord record = new WorkspaceRecord(WorkspaceRecord.LAYOUT_VERSION, id, spec.name(),
                    spec.version(), request.vcpuCount(), request.memMib(), request.ttlSeconds(), now,
                    now + request.ttlSeconds(), WorkspaceRecord.STARTED, policy, request.allowHostCompat(),
                    backend.name(), null, name, labels, now, 0, null,
                    seed.withCounts(imported.entryCount(), imported.bytesWritten()), secrets, 0, null, sandbox);
            store.write(record);
            return WorkspaceInfos.of(record, null);
        } catch (IOException | RuntimeException e) {
            discard(id, backend, sandbox);
            throw e instanceof PyroException p ? p
                    : PyroException.runtime("creating the workspace failed: " + ErrorText.of(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            discard(id, backend, sandbox);
            throw PyroException.runtime("interrupted while creating the workspace", e);
        }
    }

    /** A failed create leaves nothing behind: no sandbox, no files, no record. */
    private void discard(String id, SandboxBackend backend, SandboxRecord sandbox) {
        closeAgent(id);
        try {
            if (backend != null && sandbox != null) {
                backend.delete(sandbox);
            }
        } catch (IOException | RuntimeException e) {
            // the dir removal below takes what is left
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            store.deleteDir(WorkspaceId.of(id));
        } catch (IOException e) {
            // nothing more to do; list() ignores dirs without a record
        }
    }

    public WorkspaceList list() {
        reapExpired();
        List<String> ids = store.ids().stream().map(WorkspaceId::value).toList();
        List<WorkspaceList.Item> items = new java.util.ArrayList<>(ids.stream()
                .map(this::readIfPresent).flatMap(Optional::stream)
                .map(this::refreshLiveness)
                .sorted(Comparator.comparingDouble(WorkspaceRecord::lastActivityAt).reversed()
                        .thenComparing(Comparator.comparingDouble(WorkspaceRecord::createdAt).reversed())
                        .thenComparing(WorkspaceRecord::workspaceId))
                .map(r -> WorkspaceInfos.listItem(r, serviceCounts(r.workspaceId())))
                .toList());
        // A record damaged outside Pyro is listed, not hidden: its status names the file and the fix.
        ids.stream().filter(this::unreadable).map(WorkspaceList.Item::unreadable).forEach(items::add);
        return new WorkspaceList(items.size(), items);
    }

    public WorkspaceInfo status(String id) {
        return WorkspaceInfos.of(refreshLiveness(live(id)), null).withServices(serviceCounts(id));
    }

    /** {total, running} from the service records (a stopped workspace has none running). */
    private int[] serviceCounts(String id) {
        Path dir = store.dir(WorkspaceId.of(id)).resolve("services");
        if (!Files.isDirectory(dir)) {
            return new int[] {0, 0};
        }
        int total = 0;
        int running = 0;
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                total++;
                try {
                    if ("running".equals(dev.pyro.api.Json.MAPPER.readTree(file.toFile()).path("state").asString())) {
                        running++;
                    }
                } catch (RuntimeException e) {
                    // an unreadable record counts as not running
                }
            }
        } catch (IOException e) {
            return new int[] {0, 0};
        }
        return new int[] {total, running};
    }

    public WorkspaceInfo update(String id, String name, boolean clearName, Map<String, String> labels,
                                List<String> clearLabels) {
        if (name != null && clearName) {
            throw PyroException.invalid("name and clear_name cannot be used together");
        }
        String newName = clearName ? null : WorkspaceNames.name(name);
        SortedMap<String, String> add = WorkspaceNames.labels(labels == null ? Map.of() : labels);
        List<String> remove = clearLabels == null ? List.of() : clearLabels.stream().map(WorkspaceNames::labelKey).toList();
        return WorkspaceInfos.of(mutate(id, b -> {
            if (name != null || clearName) {
                b.name = newName;
            }
            SortedMap<String, String> merged = new TreeMap<>(b.labels);
            remove.forEach(merged::remove);
            merged.putAll(add);
            b.labels = merged;
            b.lastActivityAt = clock.getAsDouble();
        }), null);
    }

    // ------------------------------------------------------------------ exec and journal

    public WorkspaceExecResult exec(String id, String command, int timeoutSeconds, OutputListener listener) {
        return exec(id, command, timeoutSeconds, Map.of(), listener);
    }

    /**
     * Runs a command in {@code /workspace}. {@code secretEnv} maps secret names to variable names.
     * With secrets in the workspace, output is not streamed live: it is redacted whole first, so a
     * value split across two chunks cannot slip through.
     */
    public WorkspaceExecResult exec(String id, String command, int timeoutSeconds, Map<String, String> secretEnv,
                                    OutputListener listener) {
        VmLimits.validateTimeout(timeoutSeconds);
        WorkspaceRecord record = requireStarted(id, "workspace_exec");
        Path dir = store.dir(WorkspaceId.of(id));
        Map<String, String> env = WorkspaceSecrets.environment(dir, record.secretList(), secretEnv);
        List<String> secretValues = WorkspaceSecrets.values(dir, record.secretList());
        String cwd = Sandboxes.workspaceDir(record.sandbox());
        AgentConnection agent = agent(record);
        if (!env.isEmpty()) {
            try {
                WorkspaceSecrets.install(agent, dir, record.secretList()); // the guest may have restarted
            } catch (IOException e) {
                throw PyroException.runtime("installing the workspace's secrets failed", e);
            }
        }
        ExecOutcome raw = GuestExec.run(agent, command, cwd, env, timeoutSeconds,
                secretValues.isEmpty() ? listener : OutputListener.NONE);
        ExecOutcome outcome = secretValues.isEmpty() ? raw : new ExecOutcome(
                WorkspaceSecrets.redact(raw.stdout(), secretValues), WorkspaceSecrets.redact(raw.stderr(), secretValues),
                raw.exitCode(), raw.durationMs(), raw.timedOut(), raw.truncated());
        if (!secretValues.isEmpty()) {
            listener.stdout(outcome.stdout().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            listener.stderr(outcome.stderr().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String journalCommand = WorkspaceSecrets.redact(command, secretValues);
        int[] sequence = {0};
        WorkspaceRecord updated = mutate(id, b -> {
            sequence[0] = b.commandCount + 1;
            b.commandCount = sequence[0];
            b.lastCommand = new LastCommand(sequence[0], journalCommand, WorkspaceRecord.WORKSPACE_PATH, outcome.exitCode(),
                    outcome.durationMs(), record.executionMode());
            b.lastActivityAt = clock.getAsDouble();
            String base = String.format("%06d", sequence[0]);
            new CommandJournal(store.dir(WorkspaceId.of(id))).append(new CommandEntry(sequence[0], journalCommand,
                    WorkspaceRecord.WORKSPACE_PATH, outcome.exitCode(), outcome.durationMs(), record.executionMode(),
                    base + ".stdout", base + ".stderr", b.lastActivityAt, null, null),
                    outcome.stdout(), outcome.stderr());
        });
        return new WorkspaceExecResult(id, updated.environment(), updated.environmentVersion(), journalCommand,
                outcome.stdout(), outcome.stderr(), outcome.exitCode(), outcome.durationMs(),
                updated.executionMode(), sequence[0], WorkspaceRecord.WORKSPACE_PATH);
    }

    public WorkspaceLogs logs(String id) {
        live(id);
        List<CommandEntry> entries = new CommandJournal(store.dir(WorkspaceId.of(id))).read();
        return new WorkspaceLogs(id, entries.size(), entries);
    }

    // ------------------------------------------------------------------ stop, start, reset, delete

    public WorkspaceInfo stop(String id) {
        try (CacheLock lock = store.lock(WorkspaceId.of(id))) {
            WorkspaceRecord record = refreshLiveness(live(id));
            SandboxRecord sandbox = record.sandbox();
            sandboxEnding(id);
            if (WorkspaceRecord.STARTED.equals(record.state())) {
                try {
                    agent(record).sync(SYNC_TIMEOUT); // /workspace is on the guest's disk: flush before stopping
                } catch (AgentException e) {
                    // a guest that cannot sync is stopped anyway; its last writes may be lost
                }
                closeAgent(id);
                sandbox = sandboxes.backendOf(sandbox).stop(sandbox);
            }
            SandboxRecord stopped = sandbox;
            boolean incomplete = resetCutShort(record);
            WorkspaceRecord updated = record.with(b -> {
                b.state = WorkspaceRecord.STOPPED;
                b.sandbox = stopped;
                b.lastError = incomplete ? record.lastError() : null; // still needs its reset
                b.lastActivityAt = clock.getAsDouble();
            });
            store.write(updated);
            return WorkspaceInfos.of(updated, null);
        } catch (IOException e) {
            throw PyroException.runtime("stopping workspace " + id + " failed: " + ErrorText.of(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PyroException.runtime("interrupted while stopping workspace " + id, e);
        }
    }

    public WorkspaceInfo start(String id) {
        try (CacheLock lock = store.lock(WorkspaceId.of(id))) {
            WorkspaceRecord record = refreshLiveness(live(id));
            SandboxRecord sandbox = record.sandbox();
            if (resetCutShort(record)) {
                // The old sandbox is gone and the fresh one half made: only a reset makes one whole.
                throw PyroException.invalid("workspace " + id + " cannot start: " + record.lastError());
            }
            if (!WorkspaceRecord.STARTED.equals(record.state())) {
                WorkspaceDisk.invalidate(store.dir(WorkspaceId.of(id))); // the disk is about to change
                sandbox = sandboxes.backendOf(sandbox).start(sandbox, READY_TIMEOUT);
                WorkspaceSecrets.install(connect(id, sandbox), store.dir(WorkspaceId.of(id)), record.secretList()); // /run is gone
            }
            SandboxRecord started = sandbox;
            WorkspaceRecord updated = record.with(b -> {
                b.state = WorkspaceRecord.STARTED;
                b.sandbox = started;
                b.lastError = null;
                b.lastActivityAt = clock.getAsDouble();
            });
            store.write(updated);
            return WorkspaceInfos.of(updated, null);
        } catch (IOException e) {
            throw PyroException.runtime("starting workspace " + id + " failed: " + ErrorText.of(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PyroException.runtime("interrupted while starting workspace " + id, e);
        }
    }

    /**
     * Back to the baseline: a fresh sandbox from the environment with the baseline imported into
     * {@code /workspace}; the journal restarts, identity, labels, TTL and baseline stay.
     */
    public WorkspaceInfo reset(String id, Progress progress) {
        return reset(id, null, progress);
    }

    /** Reset to a named snapshot ({@code null} or {@code baseline}: the baseline); diff still compares with the baseline. */
    public WorkspaceInfo reset(String id, String snapshot, Progress progress) {
        String snapshotName = snapshot == null ? WorkspaceSnapshots.BASELINE : snapshot;
        Path archive = new WorkspaceSnapshots(this).archiveFor(id, snapshotName);
        try (CacheLock lock = store.lock(WorkspaceId.of(id))) {
            WorkspaceRecord live = live(id);
            Path dir = store.dir(WorkspaceId.of(id));
            // Recorded before anything is torn down: an engine killed from here on leaves a record
            // that says stopped and why, so the next engine releases whatever sandbox half exists
            // (processes and mounts) instead of trusting a record that still says started.
            WorkspaceRecord record = live.with(b -> {
                b.state = WorkspaceRecord.STOPPED;
                b.sandbox = b.sandbox.withPid(0);
                b.lastError = RESET_CUT_SHORT + id;
            });
            store.write(record);
            sandboxEnding(id);
            closeAgent(id);
            SandboxBackend backend = sandboxes.backendOf(live.sandbox());
            backend.delete(live.sandbox());
            WorkspaceDisk.invalidate(dir);
            new CommandJournal(dir).clear();
            EnvironmentSpec spec = EnvironmentCatalog.get(record.environment());
            InstallState install = new EnvironmentInstaller(environments,
                    new GuestKernels(paths)::expectedVersionIfKnown).ensureInstalled(spec.name(), progress);
            SandboxRecord fresh = backend.create(new SandboxRequest(id, spec, install, record.vcpuCount(),
                    record.memMib(), networked(record.networkPolicy()), dir.resolve("runtime"), true));
            try {
                fresh = backend.start(fresh, READY_TIMEOUT);
                AgentConnection agent = connect(id, fresh);
                CloneRefresh.Pending refresh = CloneRefresh.needed(fresh) ? CloneRefresh.begin(agent) : null;
                WorkspaceSecrets.install(agent, dir, record.secretList());
                ImportResult imported = Baseline.importInto(agent, archive);
                if (refresh != null) {
                    refresh.await();
                }
                double now = clock.getAsDouble();
                SandboxRecord started = fresh;
                WorkspaceRecord updated = record.with(b -> {
                    b.state = WorkspaceRecord.STARTED;
                    b.sandbox = started;
                    b.lastError = null;
                    b.commandCount = 0;
                    b.lastCommand = null;
                    b.resetCount = record.resetCount() + 1;
                    b.lastResetAt = now;
                    b.lastActivityAt = now;
                });
                store.write(updated);
                new ReviewEvents(dir).record("reset", Map.of("snapshot_name", snapshotName), now);
                return WorkspaceInfos.of(updated, new WorkspaceInfo.WorkspaceReset(snapshotName,
                        WorkspaceSnapshots.BASELINE.equals(snapshotName) ? "baseline" : "named",
                        WorkspaceRecord.WORKSPACE_PATH, imported.entryCount(), imported.bytesWritten()));
            } catch (IOException | RuntimeException e) {
                closeAgent(id);
                backend.delete(fresh);
                SandboxRecord gone = fresh.withPid(0);
                store.write(record.with(b -> {
                    b.state = WorkspaceRecord.STOPPED;
                    b.sandbox = gone;
                    b.lastError = null;
                }));
                throw e;
            }
        } catch (IOException e) {
            throw PyroException.runtime("resetting workspace " + id + " failed: " + ErrorText.of(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PyroException.runtime("interrupted while resetting workspace " + id, e);
        }
    }

    public WorkspaceDeleteResult delete(String id) {
        return delete(id, "explicit_delete");
    }

    private WorkspaceDeleteResult delete(String id, String reason) {
        try (CacheLock lock = store.lock(WorkspaceId.of(id))) {
            WorkspaceRecord record;
            try {
                record = store.read(WorkspaceId.of(id)).orElseThrow(() -> notFound(id));
            } catch (PyroException unreadable) {
                if (!unreadable(id)) {
                    throw unreadable;
                }
                // A damaged record names no sandbox: everything that mentions the dir goes with it.
                sandboxEnding(id);
                closeAgent(id);
                Path dir = store.dir(WorkspaceId.of(id));
                dev.pyro.engine.backend.SandboxProcesses.killAllMentioning(dir.toString());
                if (!dev.pyro.engine.backend.HostMounts.unmountAllUnder(dir)) {
                    throw PyroException.runtime("cannot unmount the sandbox of workspace " + id, null);
                }
                store.deleteDir(WorkspaceId.of(id));
                return new WorkspaceDeleteResult(id, true, reason);
            }
            sandboxEnding(id);
            closeAgent(id);
            if (record.sandbox() != null) {
                sandboxes.backendOf(record.sandbox()).delete(record.sandbox());
            }
            store.deleteDir(WorkspaceId.of(id));
            return new WorkspaceDeleteResult(id, true, reason);
        } catch (IOException e) {
            throw PyroException.runtime("deleting workspace " + id + " failed: " + ErrorText.of(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PyroException.runtime("interrupted while deleting workspace " + id, e);
        }
    }

    /**
     * At engine start: a workspace dir without a record is a create cut short by a crash. Its
     * sandbox (if it got that far) is killed, its mounts released, and the dir removed.
     */
    public List<String> removeOrphans() {
        List<String> removed = new java.util.ArrayList<>();
        for (WorkspaceId wid : store.ids()) {
            String id = wid.value();
            Path dir = store.dir(WorkspaceId.of(id));
            if (Files.exists(dir.resolve("workspace.json"))) {
                removeLeftovers(dir);
                stopStraySandbox(id);
                continue;
            }
            try {
                dev.pyro.engine.backend.SandboxProcesses.killAllMentioning(dir.toString());
                if (dev.pyro.engine.backend.HostMounts.unmountAllUnder(dir)) {
                    store.deleteDir(WorkspaceId.of(id));
                    removed.add(id);
                }
            } catch (IOException e) {
                System.err.println("pyro: cannot remove the unfinished workspace " + dir + ": " + ErrorText.of(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return removed;
            }
        }
        return removed;
    }

    /**
     * A sandbox a killed engine was starting for a workspace whose record says stopped (or whose
     * recorded guest is dead) runs unnamed; at engine start nothing else can be starting it.
     */
    private void stopStraySandbox(String id) {
        try {
            WorkspaceRecord record = store.read(WorkspaceId.of(id)).orElse(null);
            if (record == null || record.sandbox() == null) {
                return;
            }
            if (WorkspaceRecord.STARTED.equals(record.state())) {
                refreshLiveness(record);
            } else {
                releaseSandbox(record.sandbox());
            }
        } catch (IOException e) {
            System.err.println("pyro: cannot release the sandbox of stopped workspace " + id + ": " + ErrorText.of(e));
        } catch (PyroException e) {
            // an unreadable record is reported by list and removed by delete
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Files a killed engine left half-made in a workspace that lives on: record and journal temp
     * files, a snapshot's scratch dir, a snapshot archive whose metadata was never written. None is
     * part of a completed operation, and no other engine can be writing them.
     */
    private static void removeLeftovers(Path dir) {
        List<Path> leftovers = new java.util.ArrayList<>();
        try {
            collect(dir, n -> n.startsWith("workspace.json.tmp-"), leftovers);
            collect(dir.resolve("commands"), n -> n.endsWith(".json.tmp"), leftovers);
            Path snapshots = dir.resolve("snapshots");
            collect(snapshots, n -> n.startsWith(".taking-"), leftovers);
            collect(snapshots, n -> n.endsWith(".tar")
                    && !Files.exists(snapshots.resolve(n.substring(0, n.length() - 4) + ".json")), leftovers);
            for (Path leftover : leftovers) {
                dev.pyro.engine.cache.FileTrees.deleteRecursively(leftover);
            }
        } catch (IOException e) {
            System.err.println("pyro: cannot remove unfinished files in " + dir + ": " + ErrorText.of(e));
        }
    }

    private static void collect(Path dir, java.util.function.Predicate<String> name, List<Path> out) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            files.filter(f -> name.test(f.getFileName().toString())).forEach(out::add);
        }
    }

    /** Deletes every workspace whose TTL ran out (and any dir without a readable record). */
    public List<String> reapExpired() {
        double now = clock.getAsDouble();
        List<String> reaped = new java.util.ArrayList<>();
        for (WorkspaceId wid : store.ids()) {
            String id = wid.value();
            Optional<WorkspaceRecord> record;
            try {
                record = store.read(WorkspaceId.of(id));
            } catch (PyroException e) {
                record = Optional.empty();
            }
            if (record.isPresent() && record.get().expiresAt() <= now) {
                try {
                    delete(id, "expired");
                    store.markExpired(wid);
                    reaped.add(id);
                } catch (PyroException e) {
                    System.err.println("pyro: reaping workspace " + id + " failed: " + ErrorText.of(e));
                }
            }
        }
        store.pruneExpiredMarks();
        return reaped;
    }

    // ------------------------------------------------------------------ shared helpers

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
        if (!WorkspaceRecord.STARTED.equals(record.state())) {
            throw PyroException.invalid("workspace " + id + " must be in 'started' state before " + operation
                    + (record.lastError() == null ? "" : " (it stopped: " + record.lastError() + ")"));
        }
        return record;
    }

    /** The disk tools' gate (spec §12.4): known, not expired, and stopped. */
    public WorkspaceRecord requireStopped(String id, String operation) {
        WorkspaceRecord record = refreshLiveness(live(id));
        if (!WorkspaceRecord.STOPPED.equals(record.state())) {
            throw notStopped(id, operation);
        }
        return record;
    }

    public static PyroException notStopped(String id, String operation) {
        return PyroException.invalid("workspace '" + id + "' must be stopped before " + operation
                + "; run: pyro workspace stop " + id);
    }

    /**
     * A workspace whose guest died behind our back is stopped, with the reason recorded. Whatever
     * else still runs on its runtime dir goes too: a sandbox that a killed engine was starting
     * (mid-reset or mid-start) outlives the record that would have named it. Skipped while another
     * operation holds the workspace: it records its own outcome.
     */
    private WorkspaceRecord refreshLiveness(WorkspaceRecord record) {
        if (!guestDied(record)) {
            return record;
        }
        String id = record.workspaceId();
        try {
            java.util.Optional<CacheLock> held = store.tryLock(WorkspaceId.of(id));
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
                    b.state = WorkspaceRecord.STOPPED;
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
    private void releaseSandbox(SandboxRecord sandbox) throws IOException, InterruptedException {
        Path workDir = sandbox.workDir();
        dev.pyro.engine.backend.SandboxProcesses.killAllMentioning(workDir.toString());
        if (Files.isDirectory(workDir)) {
            sandboxes.backendOf(sandbox).stop(sandbox.withPid(0));
        }
        if (!dev.pyro.engine.backend.HostMounts.unmountAllUnder(workDir)) {
            throw new IOException("cannot unmount what is mounted under " + workDir);
        }
    }

    private static boolean resetCutShort(WorkspaceRecord record) {
        return WorkspaceRecord.STOPPED.equals(record.state()) && record.lastError() != null
                && record.lastError().startsWith(RESET_CUT_SHORT);
    }

    private boolean guestDied(WorkspaceRecord record) {
        return WorkspaceRecord.STARTED.equals(record.state()) && record.sandbox() != null
                && !sandboxes.backendOf(record.sandbox()).isRunning(record.sandbox());
    }

    /**
     * Why a call to the workspace's agent timed out, when the host side knows better than "no
     * answer": its VM paused on a full disk (still paused, or resumed just now).
     */
    public Optional<PyroException> explainTimeout(String id) {
        WorkspaceRecord record;
        try {
            record = store.read(WorkspaceId.of(id)).orElse(null);
        } catch (PyroException unreadable) {
            return Optional.empty();
        }
        if (record == null || record.sandbox() == null || !WorkspaceRecord.STARTED.equals(record.state())) {
            return Optional.empty();
        }
        return switch (sandboxes.backendOf(record.sandbox()).resumeIfStalled(record.sandbox())) {
            case DISK_FULL -> {
                stalled.add(id);
                yield Optional.of(Sandboxes.pausedOnFullDisk(record.sandbox()));
            }
            case RESUMED -> Optional.of(PyroException.runtime("the sandbox had paused on a full disk and "
                    + "goes on now that there is space; the interrupted call may have completed in the guest: "
                    + "check, then retry", null));
            case NONE -> Optional.empty();
        };
    }

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

    private AgentConnection connect(String id, SandboxRecord sandbox) {
        AgentConnection agent = sandboxes.connect(sandbox);
        AgentConnection previous = agents.put(id, agent);
        if (previous != null && previous != agent) {
            previous.close();
        }
        return agent;
    }

    private void closeAgent(String id) {
        AgentConnection agent = agents.remove(id);
        if (agent != null) {
            agent.close();
        }
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

    /** Bumps {@code last_activity_at} (an agent acted on the workspace). */
    public void touch(String id) {
        double now = clock.getAsDouble();
        mutate(id, b -> b.lastActivityAt = now);
    }

    /** Called before a workspace's sandbox goes away (stop, reset, delete): shells end with it. */
    public void onSandboxEnding(java.util.function.Consumer<String> listener) {
        endingListeners.add(listener);
    }

    private void sandboxEnding(String id) {
        endingListeners.forEach(l -> {
            try {
                l.accept(id);
            } catch (RuntimeException e) {
                System.err.println("pyro: cleaning up workspace " + id + ": " + ErrorText.of(e));
            }
        });
    }

    private boolean unreadable(String id) {
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

    private Optional<WorkspaceRecord> readIfPresent(String id) {
        try {
            return store.read(WorkspaceId.of(id));
        } catch (PyroException e) {
            return Optional.empty();
        }
    }

    private static String networkPolicy(String raw) {
        String policy = raw == null ? OFF : raw.trim().toLowerCase(java.util.Locale.ROOT);
        if (!List.of(OFF, EGRESS, EGRESS_PUBLISHED_PORTS).contains(policy)) {
            throw PyroException.invalid("network_policy must be one of: off, egress, egress+published-ports");
        }
        return policy;
    }

    /** Whether a policy gives the guest a network (any but off). */
    public static boolean networked(String policy) {
        return policy != null && !OFF.equals(policy);
    }

    /** Unknown, or reaped by its TTL earlier (then the spec's expired message, as for a live expired one). */
    private PyroException notFound(String id) {
        if (store.wasExpired(WorkspaceId.of(id))) {
            return expired(id);
        }
        return PyroException.invalid("workspace '" + id + "' does not exist");
    }

    private static PyroException expired(String id) {
        return PyroException.invalid("workspace '" + id + "' expired and was automatically deleted");
    }

    @Override
    public void close() {
        List.copyOf(agents.keySet()).forEach(this::closeAgent);
    }
}
