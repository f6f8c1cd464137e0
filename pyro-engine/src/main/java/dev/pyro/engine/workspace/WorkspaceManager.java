package dev.pyro.engine.workspace;

import dev.pyro.api.OutputListener;
import dev.pyro.api.workspace.SeedOrigin;
import dev.pyro.api.workspace.WorkspaceDeleteResult;
import dev.pyro.api.workspace.WorkspaceExecResult;
import dev.pyro.api.workspace.WorkspaceLogs;
import dev.pyro.api.workspace.WorkspaceList;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.api.state.NetworkPolicy;
import dev.pyro.api.PyroException;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import dev.pyro.engine.provision.Capacity;
import dev.pyro.engine.provision.Provisioner;
import dev.pyro.protocol.AgentConnection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;

/**
 * Persistent workspaces (spec §7.2): a sandbox whose {@code /workspace} lives on, seeded at create,
 * with an immutable baseline, a command journal, stop/start, reset to the baseline, and TTL reaping.
 * Records live on disk ({@link WorkspaceStore}); every record update holds the workspace's lock.
 *
 * <p>A facade over the parts: {@link WorkspaceLifecycle} (create … delete), {@link WorkspaceCommands}
 * (exec and journal), {@link WorkspaceRecovery} (orphans, reap, timeouts), all on one
 * {@link WorkspaceContext}, which is also what the feature services take.
 */
public final class WorkspaceManager implements AutoCloseable {

    public static final String OFF = NetworkPolicy.OFF.value();
    public static final String EGRESS = NetworkPolicy.EGRESS.value();
    public static final String EGRESS_PUBLISHED_PORTS = NetworkPolicy.EGRESS_PUBLISHED_PORTS.value();
    /** last_error of a workspace whose reset did not finish (a killed engine): its sandbox is half made. */
    static final String RESET_CUT_SHORT = WorkspaceLifecycle.RESET_CUT_SHORT;

    private final WorkspaceContext context;
    private final WorkspaceLifecycle lifecycle;
    private final WorkspaceCommands commands;
    private final WorkspaceRecovery recovery;

    /** @param otherActive sandboxes counted against the same limit (tests; the engine passes one {@link Capacity}) */
    public WorkspaceManager(PyroPaths paths, int maxActive, IntSupplier otherActive) {
        this(paths, new Capacity(maxActive).count(otherActive));
    }

    WorkspaceManager(PyroPaths paths, int maxActive, IntSupplier otherActive, DoubleSupplier clock) {
        this(paths, new Capacity(maxActive).count(otherActive), clock);
    }

    /** @param capacity the limit workspaces share with one-shot VMs; this manager adds its workspaces to the count */
    public WorkspaceManager(PyroPaths paths, Capacity capacity) {
        this(paths, capacity, () -> System.currentTimeMillis() / 1000.0);
    }

    WorkspaceManager(PyroPaths paths, Capacity capacity, DoubleSupplier clock) {
        this.context = new WorkspaceContext(paths, clock);
        this.lifecycle = new WorkspaceLifecycle(context, new WorkspaceSnapshots(context),
                new Provisioner(paths, capacity));
        capacity.count(lifecycle::count);
        this.commands = new WorkspaceCommands(context);
        this.recovery = new WorkspaceRecovery(context, lifecycle);
        context.onReap(recovery::reapExpired);
    }

    /** What the feature services (shells, services, snapshots, disk, files) take. */
    public WorkspaceContext context() {
        return context;
    }

    public int count() {
        return lifecycle.count();
    }

    // ------------------------------------------------------------------ lifecycle

    public WorkspaceInfo create(WorkspaceRequest request, Progress progress) {
        return create(request, null, progress);
    }

    /** {@code origin}: null, or where the (staged) seed path really came from. */
    public WorkspaceInfo create(WorkspaceRequest request, SeedOrigin origin, Progress progress) {
        return lifecycle.create(request, origin, progress);
    }

    public WorkspaceList list() {
        return lifecycle.list();
    }

    public WorkspaceInfo status(String id) {
        return lifecycle.status(id);
    }

    public WorkspaceInfo update(String id, String name, boolean clearName, Map<String, String> labels,
                                List<String> clearLabels) {
        return lifecycle.update(id, name, clearName, labels, clearLabels);
    }

    public WorkspaceInfo stop(String id) {
        return lifecycle.stop(id);
    }

    public WorkspaceInfo start(String id) {
        return lifecycle.start(id);
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
        return lifecycle.reset(id, snapshot, progress);
    }

    public WorkspaceDeleteResult delete(String id) {
        return lifecycle.delete(id, "explicit_delete");
    }

    // ------------------------------------------------------------------ commands

    public WorkspaceExecResult exec(String id, String command, int timeoutSeconds, OutputListener listener) {
        return exec(id, command, timeoutSeconds, Map.of(), listener);
    }

    /** Runs a command in {@code /workspace}; {@code secretEnv} maps secret names to variable names. */
    public WorkspaceExecResult exec(String id, String command, int timeoutSeconds, Map<String, String> secretEnv,
                                    OutputListener listener) {
        return commands.exec(id, command, timeoutSeconds, secretEnv, listener);
    }

    public WorkspaceLogs logs(String id) {
        return commands.logs(id);
    }

    // ------------------------------------------------------------------ recovery

    /** At engine start: removes creates cut short by a crash, and what killed engines left behind. */
    public List<String> removeOrphans() {
        return recovery.removeOrphans();
    }

    /** Deletes every workspace whose TTL ran out. */
    public List<String> reapExpired() {
        return recovery.reapExpired();
    }

    /** Why a call to the workspace's agent timed out, when the host side knows better than "no answer". */
    public Optional<PyroException> explainTimeout(String id) {
        return recovery.explainTimeout(id);
    }

    // ------------------------------------------------------------------ the context, for existing callers

    public WorkspaceRecord live(String id) {
        return context.live(id);
    }

    public WorkspaceRecord requireStarted(String id, String operation) {
        return context.requireStarted(id, operation);
    }

    public WorkspaceRecord requireStopped(String id, String operation) {
        return context.requireStopped(id, operation);
    }

    public static PyroException notStopped(String id, String operation) {
        return WorkspaceContext.notStopped(id, operation);
    }

    public AgentConnection agent(WorkspaceRecord record) {
        return context.agent(record);
    }

    public WorkspaceStore store() {
        return context.store();
    }

    public PyroPaths paths() {
        return context.paths();
    }

    public DoubleSupplier clock() {
        return context.clock();
    }

    public void touch(String id) {
        context.touch(id);
    }

    public void onSandboxEnding(Consumer<String> listener) {
        context.onSandboxEnding(listener);
    }

    /** Whether a policy gives the guest a network (any but off). */
    public static boolean networked(String policy) {
        return NetworkPolicy.networked(policy);
    }

    @Override
    public void close() {
        context.close();
    }
}
