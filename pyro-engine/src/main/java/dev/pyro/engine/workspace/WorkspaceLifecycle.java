package dev.pyro.engine.workspace;

import dev.pyro.api.workspace.SeedOrigin;
import dev.pyro.api.workspace.WorkspaceSeed;
import dev.pyro.api.workspace.WorkspaceDeleteResult;
import dev.pyro.api.workspace.WorkspaceList;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.api.state.BackendName;
import dev.pyro.api.state.NetworkPolicy;
import dev.pyro.api.state.WorkspaceState;
import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.BackendChoice;
import dev.pyro.engine.backend.SandboxBackend;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.backend.SandboxRequest;
import dev.pyro.engine.cache.CacheLock;
import dev.pyro.engine.environment.EnvironmentCatalog;
import dev.pyro.engine.environment.EnvironmentSpec;
import dev.pyro.engine.environment.InstallState;
import dev.pyro.api.ids.WorkspaceId;
import dev.pyro.api.Progress;
import dev.pyro.engine.provision.Provisioner;
import dev.pyro.engine.provision.SandboxDraft;
import dev.pyro.engine.provision.SandboxAsk;
import dev.pyro.engine.provision.SandboxPlan;
import dev.pyro.engine.provision.SandboxTerms;
import dev.pyro.engine.template.CloneRefresh;
import dev.pyro.engine.workspace.disk.WorkspaceDisk;
import dev.pyro.api.workspace.files.ImportResult;
import dev.pyro.engine.workspace.service.WorkspaceServices;
import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentException;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A workspace's life: create, list, status, update, stop, start, reset and delete. A create takes
 * the path one-shot VMs take ({@link Provisioner#provision}; this class supplies the workspace's
 * {@link SandboxPlan}). Every record change holds the workspace's lock; a reset restores an archive
 * that {@link WorkspaceSnapshots} names (the snapshots never call back here).
 */
final class WorkspaceLifecycle {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);
    /** last_error of a workspace whose reset did not finish (a killed engine): its sandbox is half made. */
    static final String RESET_CUT_SHORT = "its last reset did not finish, so its sandbox is incomplete; "
            + "run: pyro workspace reset ";

    private final WorkspaceContext context;
    private final WorkspaceSnapshots snapshots;
    private final Provisioner provisioner;

    WorkspaceLifecycle(WorkspaceContext context, WorkspaceSnapshots snapshots, Provisioner provisioner) {
        this.context = context;
        this.snapshots = snapshots;
        this.provisioner = provisioner;
    }

    int count() {
        return context.store().ids().size();
    }

    // ------------------------------------------------------------------ create, list, status, update

    /** Through the one create path ({@link Provisioner#provision}); {@code origin}: null, or where the (staged) seed path really came from. */
    WorkspaceInfo create(WorkspaceRequest request, SeedOrigin origin, Progress progress) {
        return provisioner.provision(new Plan(request, origin), progress);
    }

    /**
     * A workspace's parts of the create sequence: its network policy, name and labels checked after
     * the sizing; its dir made and its seed and secrets staged before the backend is chosen (a bad
     * seed is reported before a bad backend); the host backend refused; then started, connected,
     * given its secrets and its seed, and recorded as started.
     */
    private final class Plan implements SandboxPlan<WorkspaceInfo> {

        private final WorkspaceRequest request;
        private final SeedOrigin origin;
        private NetworkPolicy policy;
        private String name;
        private SortedMap<String, String> labels;
        private WorkspaceSeed seed;
        private List<SecretMeta> secrets;
        private ImportResult imported;

        Plan(WorkspaceRequest request, SeedOrigin origin) {
            this.request = request;
            this.origin = origin;
        }

        @Override public SandboxAsk ask() {
            return new SandboxAsk(request.environment(), request.vcpuCount(), request.memMib(), request.ttlSeconds(),
                    request.backend(), request.allowHostCompat());
        }

        @Override public String what() {
            return "workspace";
        }

        @Override public void check() {
            policy = networkPolicy(request.networkPolicy());
            name = WorkspaceNames.name(request.name());
            labels = WorkspaceNames.labels(request.labels());
        }

        @Override public void reapExpired() {
            context.reapExpired();
        }

        @Override public String newId() {
            return WorkspaceId.random().value();
        }

        @Override public Path dir(String id) {
            return context.store().dir(WorkspaceId.of(id));
        }

        @Override public boolean preparesDir() {
            return true;
        }

        @Override public void prepare(SandboxDraft draft) throws IOException {
            Files.createDirectories(draft.dir());
            seed = Baseline.prepare(request.seedPath(), draft.dir(), origin);
            secrets = WorkspaceSecrets.prepare(request.secrets(), draft.dir());
        }

        @Override public boolean network() {
            return policy.networked();
        }

        @Override public void accept(BackendChoice choice) {
            if (BackendName.HOST.is(choice.backend().name())) {
                throw PyroException.invalid("workspaces need an isolating backend (vm or gvisor) in this release; "
                        + "the host backend serves only pyro run");
            }
        }

        @Override public void beforeCreate(SandboxDraft draft, Progress progress) {
            progress.phase("create", "workspace_id=" + draft.id());
        }

        @Override public String sandboxDirName() {
            return "runtime";
        }

        @Override public void afterCreate(SandboxDraft draft, Progress progress) throws IOException, InterruptedException {
            String id = draft.id();
            progress.phase("start", "workspace_id=" + id);
            draft.sandbox = draft.backend().start(draft.sandbox, READY_TIMEOUT);
            AgentConnection agent = context.connect(id, draft.sandbox);
            CloneRefresh.Pending refresh = CloneRefresh.needed(draft.sandbox) ? CloneRefresh.begin(agent) : null;
            WorkspaceSecrets.install(agent, draft.dir(), secrets);
            progress.phase("seed", "workspace_id=" + id);
            imported = Baseline.importInto(agent, Baseline.archive(draft.dir()));
            if (refresh != null) {
                refresh.await();
            }
        }

        @Override public WorkspaceInfo record(SandboxDraft draft) {
            EnvironmentSpec spec = draft.spec();
            double now = context.clock().getAsDouble();
            WorkspaceRecord record = new WorkspaceRecord(WorkspaceRecord.LAYOUT_VERSION, draft.id(),
                    SandboxTerms.of(spec.name(), spec.version(), request.vcpuCount(), request.memMib(),
                            request.ttlSeconds(), now, WorkspaceState.STARTED.value()), policy.value(),
                    request.allowHostCompat(), draft.backend().name(), null, name, labels, now, 0, null,
                    seed.withCounts(imported.entryCount(), imported.bytesWritten()), secrets, 0, null, draft.sandbox);
            context.store().write(record);
            return WorkspaceInfos.of(record, null);
        }

        /** A failed create leaves nothing behind: no agent, no sandbox, no files, no record (list() ignores dirs without one). */
        @Override public void discarding(String id) {
            context.closeAgent(id);
        }
    }

    WorkspaceList list() {
        context.reapExpired();
        List<String> ids = context.store().ids().stream().map(WorkspaceId::value).toList();
        List<WorkspaceList.Item> items = new ArrayList<>(ids.stream()
                .map(context::readIfPresent).flatMap(Optional::stream)
                .map(context::refreshLiveness)
                .sorted(Comparator.comparingDouble(WorkspaceRecord::lastActivityAt).reversed()
                        .thenComparing(Comparator.comparingDouble(WorkspaceRecord::createdAt).reversed())
                        .thenComparing(WorkspaceRecord::workspaceId))
                .map(r -> WorkspaceInfos.listItem(r, serviceCounts(r.workspaceId())))
                .toList());
        // A record damaged outside Pyro is listed, not hidden: its status names the file and the fix.
        ids.stream().filter(context::unreadable).map(WorkspaceList.Item::unreadable).forEach(items::add);
        return new WorkspaceList(items.size(), items);
    }

    WorkspaceInfo status(String id) {
        return WorkspaceInfos.of(context.refreshLiveness(context.live(id)), null).withServices(serviceCounts(id));
    }

    private int[] serviceCounts(String id) {
        return WorkspaceServices.counts(context.store().dir(WorkspaceId.of(id)));
    }

    WorkspaceInfo update(String id, String name, boolean clearName, Map<String, String> labels,
                         List<String> clearLabels) {
        if (name != null && clearName) {
            throw PyroException.invalid("name and clear_name cannot be used together");
        }
        String newName = clearName ? null : WorkspaceNames.name(name);
        SortedMap<String, String> add = WorkspaceNames.labels(labels == null ? Map.of() : labels);
        List<String> remove = clearLabels == null ? List.of() : clearLabels.stream().map(WorkspaceNames::labelKey).toList();
        return WorkspaceInfos.of(context.mutate(id, b -> {
            if (name != null || clearName) {
                b.name = newName;
            }
            SortedMap<String, String> merged = new TreeMap<>(b.labels);
            remove.forEach(merged::remove);
            merged.putAll(add);
            b.labels = merged;
            b.lastActivityAt = context.clock().getAsDouble();
        }), null);
    }

    // ------------------------------------------------------------------ stop, start, reset, delete

    WorkspaceInfo stop(String id) {
        WorkspaceStore store = context.store();
        try (CacheLock lock = store.lock(WorkspaceId.of(id))) {
            WorkspaceRecord record = context.refreshLiveness(context.live(id));
            SandboxRecord sandbox = record.sandbox();
            context.sandboxEnding(id);
            if (WorkspaceState.STARTED.is(record.state())) {
                try {
                    context.agent(record).files().sync(SYNC_TIMEOUT); // /workspace is on the guest's disk: flush before stopping
                } catch (AgentException e) {
                    // a guest that cannot sync is stopped anyway; its last writes may be lost
                }
                context.closeAgent(id);
                sandbox = context.sandboxes().backendOf(sandbox).stop(sandbox);
            }
            SandboxRecord stopped = sandbox;
            boolean incomplete = resetCutShort(record);
            WorkspaceRecord updated = record.with(b -> {
                b.state = WorkspaceState.STOPPED.value();
                b.sandbox = stopped;
                b.lastError = incomplete ? record.lastError() : null; // still needs its reset
                b.lastActivityAt = context.clock().getAsDouble();
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

    WorkspaceInfo start(String id) {
        WorkspaceStore store = context.store();
        try (CacheLock lock = store.lock(WorkspaceId.of(id))) {
            WorkspaceRecord record = context.refreshLiveness(context.live(id));
            SandboxRecord sandbox = record.sandbox();
            if (resetCutShort(record)) {
                // The old sandbox is gone and the fresh one half made: only a reset makes one whole.
                throw PyroException.invalid("workspace " + id + " cannot start: " + record.lastError());
            }
            if (!WorkspaceState.STARTED.is(record.state())) {
                WorkspaceDisk.invalidate(store.dir(WorkspaceId.of(id))); // the disk is about to change
                sandbox = context.sandboxes().backendOf(sandbox).start(sandbox, READY_TIMEOUT);
                WorkspaceSecrets.install(context.connect(id, sandbox), store.dir(WorkspaceId.of(id)),
                        record.secretList()); // /run is gone
            }
            SandboxRecord started = sandbox;
            WorkspaceRecord updated = record.with(b -> {
                b.state = WorkspaceState.STARTED.value();
                b.sandbox = started;
                b.lastError = null;
                b.lastActivityAt = context.clock().getAsDouble();
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

    /** Reset to a named snapshot ({@code null} or {@code baseline}: the baseline); diff still compares with the baseline. */
    WorkspaceInfo reset(String id, String snapshot, Progress progress) {
        String snapshotName = snapshot == null ? WorkspaceSnapshots.BASELINE : snapshot;
        Path archive = snapshots.archiveFor(id, snapshotName);
        WorkspaceStore store = context.store();
        try (CacheLock lock = store.lock(WorkspaceId.of(id))) {
            WorkspaceRecord live = context.live(id);
            Path dir = store.dir(WorkspaceId.of(id));
            // Recorded before anything is torn down: an engine killed from here on leaves a record
            // that says stopped and why, so the next engine releases whatever sandbox half exists
            // (processes and mounts) instead of trusting a record that still says started.
            WorkspaceRecord record = live.with(b -> {
                b.state = WorkspaceState.STOPPED.value();
                b.sandbox = b.sandbox.withPid(0);
                b.lastError = RESET_CUT_SHORT + id;
            });
            store.write(record);
            context.sandboxEnding(id);
            context.closeAgent(id);
            SandboxBackend backend = context.sandboxes().backendOf(live.sandbox());
            backend.delete(live.sandbox());
            WorkspaceDisk.invalidate(dir);
            new CommandJournal(dir).clear();
            EnvironmentSpec spec = EnvironmentCatalog.get(record.environment());
            InstallState install = provisioner.install(spec, progress);
            SandboxRecord fresh = backend.create(new SandboxRequest(id, spec, install, record.vcpuCount(),
                    record.memMib(), NetworkPolicy.networked(record.networkPolicy()), dir.resolve("runtime"), true));
            try {
                fresh = backend.start(fresh, READY_TIMEOUT);
                AgentConnection agent = context.connect(id, fresh);
                CloneRefresh.Pending refresh = CloneRefresh.needed(fresh) ? CloneRefresh.begin(agent) : null;
                WorkspaceSecrets.install(agent, dir, record.secretList());
                ImportResult imported = Baseline.importInto(agent, archive);
                if (refresh != null) {
                    refresh.await();
                }
                double now = context.clock().getAsDouble();
                SandboxRecord started = fresh;
                WorkspaceRecord updated = record.with(b -> {
                    b.state = WorkspaceState.STARTED.value();
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
                        dev.pyro.api.Defaults.WORKSPACE_PATH, imported.entryCount(), imported.bytesWritten()));
            } catch (IOException | RuntimeException e) {
                context.closeAgent(id);
                backend.delete(fresh);
                SandboxRecord gone = fresh.withPid(0);
                store.write(record.with(b -> {
                    b.state = WorkspaceState.STOPPED.value();
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

    WorkspaceDeleteResult delete(String id, String reason) {
        WorkspaceStore store = context.store();
        try (CacheLock lock = store.lock(WorkspaceId.of(id))) {
            WorkspaceRecord record;
            try {
                record = store.read(WorkspaceId.of(id)).orElseThrow(() -> context.notFound(id));
            } catch (PyroException unreadable) {
                if (!context.unreadable(id)) {
                    throw unreadable;
                }
                // A damaged record names no sandbox: everything that mentions the dir goes with it.
                context.sandboxEnding(id);
                context.closeAgent(id);
                Path dir = store.dir(WorkspaceId.of(id));
                dev.pyro.engine.backend.SandboxProcesses.killAllMentioning(dir.toString());
                if (!dev.pyro.engine.backend.HostMounts.unmountAllUnder(dir)) {
                    throw PyroException.runtime("cannot unmount the sandbox of workspace " + id, null);
                }
                store.deleteDir(WorkspaceId.of(id));
                return new WorkspaceDeleteResult(id, true, reason);
            }
            context.sandboxEnding(id);
            context.closeAgent(id);
            if (record.sandbox() != null) {
                context.sandboxes().backendOf(record.sandbox()).delete(record.sandbox());
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

    static boolean resetCutShort(WorkspaceRecord record) {
        return WorkspaceState.STOPPED.is(record.state()) && record.lastError() != null
                && record.lastError().startsWith(RESET_CUT_SHORT);
    }

    private static NetworkPolicy networkPolicy(String raw) {
        return NetworkPolicy.parse(raw).orElseThrow(() -> PyroException.invalid(NetworkPolicy.CHOICES));
    }
}
