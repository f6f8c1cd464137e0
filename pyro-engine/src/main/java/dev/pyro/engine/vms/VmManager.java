package dev.pyro.engine.vms;

import dev.pyro.api.OutputListener;
import dev.pyro.api.vm.VmLimits;
import dev.pyro.api.vm.ReapResult;
import dev.pyro.api.vm.VmNetworkInfo;
import dev.pyro.api.vm.VmDeleteResult;
import dev.pyro.api.vm.VmExecResult;
import dev.pyro.api.vm.VmStatus;
import dev.pyro.api.vm.VmRequest;
import dev.pyro.api.state.BackendName;
import dev.pyro.api.state.VmState;
import dev.pyro.api.PyroException;
import dev.pyro.engine.provision.Capacity;
import dev.pyro.engine.provision.Provisioner;
import dev.pyro.engine.provision.SandboxDraft;
import dev.pyro.engine.provision.SandboxAsk;
import dev.pyro.engine.provision.SandboxLocks;
import dev.pyro.engine.provision.SandboxPlan;
import dev.pyro.engine.provision.SandboxTerms;
import dev.pyro.engine.cache.CacheLock;
import dev.pyro.engine.backend.SandboxBackend;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.backend.SandboxRecordCheck;
import dev.pyro.engine.backend.Sandboxes;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.api.PyroPaths;
import dev.pyro.engine.environment.EnvironmentSpec;
import dev.pyro.engine.guest.ExecOutcome;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.engine.host.HostPrivilege;
import dev.pyro.api.ids.Identifiers;
import dev.pyro.api.ids.VmId;
import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentException;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import dev.pyro.api.Json;
import dev.pyro.engine.network.GuestNetwork;
import dev.pyro.api.Progress;
import dev.pyro.engine.template.CloneRefresh;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One-shot VMs (spec §7.1): create → start → exec (then always deleted), stop, delete, status,
 * network info and TTL reaping. Each VM is persisted under {@code <state>/vms/<id>/vm.json} so a new
 * engine re-adopts running ones and marks the rest stopped. A VM is created on the create path
 * workspaces take ({@link Provisioner#provision}, this class supplies its {@link SandboxPlan}), and
 * its start, stop and delete hold its lock as a workspace's operations hold theirs ({@link SandboxLocks}):
 * one model for both kinds, so they cannot drift apart.
 */
public final class VmManager implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final PyroPaths paths;
    private final Provisioner provisioner;
    private final Sandboxes sandboxes;
    private final Map<String, VmInstance> vms = new ConcurrentHashMap<>();
    private final Map<String, AgentConnection> agents = new ConcurrentHashMap<>();
    /** Operations on one VM run one at a time; different VMs proceed in parallel (as workspaces do). */
    private final SandboxLocks locks;
    /** VMs this engine reaped by TTL: a later call on one says "expired", as the spec words it, not "does not exist". */
    private final java.util.Set<String> reapedIds = ConcurrentHashMap.newKeySet();
    private final java.util.function.DoubleSupplier clock;

    public VmManager(PyroPaths paths, int maxActiveVms) {
        this(paths, new Capacity(maxActiveVms));
    }

    /** @param capacity the limit VMs share with workspaces; this manager adds its VMs to the count */
    public VmManager(PyroPaths paths, Capacity capacity) {
        this(paths, capacity, () -> System.currentTimeMillis() / 1000.0);
    }

    /** @param clock epoch seconds; tests move it to expire VMs without waiting a minute */
    VmManager(PyroPaths paths, int maxActiveVms, java.util.function.DoubleSupplier clock) {
        this(paths, new Capacity(maxActiveVms), clock);
    }

    VmManager(PyroPaths paths, Capacity capacity, java.util.function.DoubleSupplier clock) {
        this.clock = clock;
        this.paths = paths;
        this.provisioner = new Provisioner(paths, capacity.count(vms::size));
        this.sandboxes = new Sandboxes(paths);
        this.locks = new SandboxLocks(locksDir());
        adoptPersisted();
        locks.prune(vms::containsKey); // the lock files of VMs deleted under the last engine
    }

    private Path vmsDir() {
        return paths.stateDir().resolve("vms");
    }

    /**
     * {@code <state>/.locks/vms}: not in {@code vms/} itself, which holds one dir per VM and nothing
     * else (adoption skips other names, but tools and tests list it as the VMs).
     */
    private Path locksDir() {
        return paths.stateDir().resolve(".locks").resolve("vms");
    }

    /** {@code vms/<id>}: only a checked id becomes a path. */
    private Path vmDir(String vmId) {
        return vmsDir().resolve(VmId.of(vmId).value());
    }

    // ------------------------------------------------------------------ lifecycle

    /** Through the one create path ({@link Provisioner#provision}); a VM is created, not started. */
    public VmStatus create(VmRequest request, Progress progress) {
        return provisioner.provision(new Plan(request), progress);
    }

    /**
     * A VM's parts of the create sequence: no checks of its own, no preparation (its backend and
     * environment are chosen before anything of it exists), created in {@code vms/<id>/sandbox}, its
     * record stamped when the backend begins to create it.
     */
    private final class Plan implements SandboxPlan<VmStatus> {

        private final VmRequest request;
        private double now;

        Plan(VmRequest request) {
            this.request = request;
        }

        @Override public SandboxAsk ask() {
            return new SandboxAsk(request.environment(), request.vcpuCount(), request.memMib(), request.ttlSeconds(),
                    request.backend(), request.allowHostCompat());
        }

        @Override public String what() {
            return "sandbox";
        }

        @Override public void reapExpired() {
            VmManager.this.reapExpired();
        }

        @Override public String newId() {
            return VmId.random().value();
        }

        @Override public Path dir(String id) {
            return vmDir(id);
        }

        @Override public boolean network() {
            return request.network();
        }

        @Override public void beforeCreate(SandboxDraft draft, Progress progress) {
            now = now();
        }

        @Override public String sandboxDirName() {
            return "sandbox";
        }

        @Override public VmStatus record(SandboxDraft draft) {
            EnvironmentSpec spec = draft.spec();
            VmInstance vm = new VmInstance(draft.id(), SandboxTerms.of(spec.name(), spec.version(),
                    request.vcpuCount(), request.memMib(), request.ttlSeconds(), now, VmState.CREATED.value()),
                    request.network(), request.allowHostCompat(), null, draft.sandbox);
            persist(vm);
            vms.put(draft.id(), vm);
            return vm.status();
        }
    }

    public VmStatus start(String vmId) {
        VmInstance vm = live(vmId);
        try (CacheLock lock = locks.lock(vmId)) {
            vm = live(vmId);
            if (!VmState.CREATED.is(vm.state()) && !VmState.STOPPED.is(vm.state())) {
                throw PyroException.invalid("vm " + vmId + " cannot be started from state '" + vm.state() + "'");
            }
            SandboxBackend backend = backendOf(vm.sandbox());
            SandboxRecord started = vm.sandbox();
            try {
                started = backend.start(vm.sandbox(), READY_TIMEOUT);
                VmInstance running = vm.withState(VmState.STARTED, started);
                AgentConnection agent = connect(started);
                agents.put(vmId, agent);
                if (CloneRefresh.needed(started)) {
                    try {
                        CloneRefresh.apply(agent);
                    } catch (PyroException e) {
                        agents.remove(vmId);
                        agent.close();
                        stopQuietly(backend, started);
                        throw e;
                    }
                }
                persist(running);
                vms.put(vmId, running);
                return running.status();
            } catch (IOException e) {
                throw PyroException.runtime("starting vm " + vmId + " failed: " + ErrorText.of(e), e);
            } catch (AgentException e) {
                stopQuietly(backend, started);
                throw PyroException.runtime("vm " + vmId + " booted but its guest agent did not answer: "
                        + ErrorText.of(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw PyroException.runtime("interrupted while starting vm " + vmId, e);
            }
        } catch (IOException e) { // taking or releasing the lock
            throw PyroException.runtime("starting vm " + vmId + " failed: " + ErrorText.of(e), e);
        }
    }

    /** Runs one command, then deletes the VM whatever happened ({@code post_exec_cleanup}). */
    public VmExecResult exec(String vmId, String command, int timeoutSeconds, OutputListener listener) {
        VmLimits.validateTimeout(timeoutSeconds);
        VmInstance vm = live(vmId);
        if (!VmState.STARTED.is(vm.state())) {
            throw PyroException.invalid("vm " + vmId + " must be in 'started' state before execution");
        }
        try {
            AgentConnection agent = agents.computeIfAbsent(vmId, id -> connect(vm.sandbox()));
            String cwd = Sandboxes.workspaceDir(vm.sandbox());
            ExecOutcome outcome = GuestExec.run(agent, command, cwd, Map.of(), timeoutSeconds, listener);
            VmDeleteResult deleted = delete(vmId, "post_exec_cleanup");
            return new VmExecResult(vmId, vm.environment(), vm.environmentVersion(), command, outcome.stdout(),
                    outcome.stderr(), outcome.exitCode(), outcome.durationMs(), vm.sandbox().backend(),
                    vm.sandbox().executionMode(), HostPrivilege.current().label(),
                    new VmExecResult.Cleanup(vmId, deleted.deleted(), deleted.reason()));
        } catch (AgentException e) {
            deleteQuietly(vmId, "post_exec_cleanup");
            throw PyroException.runtime("guest command execution failed in vm " + vmId + ": " + ErrorText.of(e), e);
        } catch (RuntimeException e) {
            deleteQuietly(vmId, "post_exec_cleanup");
            throw e;
        }
    }

    /** create → start → exec; anything failing after create deletes the VM ({@code run_vm_error_cleanup}). */
    public VmExecResult run(VmRequest request, String command, int timeoutSeconds, Progress progress,
                            OutputListener listener) {
        return run(request, command, timeoutSeconds, progress, listener, vmId -> {
        });
    }

    /**
     * As above; {@code onCreated} learns the VM's id as soon as it exists, so the engine can delete
     * it when the client that asked for the run goes away mid-run.
     */
    public VmExecResult run(VmRequest request, String command, int timeoutSeconds, Progress progress,
                            OutputListener listener, Consumer<String> onCreated) {
        VmLimits.validateTimeout(timeoutSeconds);
        progress.phase("create", "environment=" + request.environment());
        VmStatus created = create(request, progress);
        try {
            onCreated.accept(created.vmId());
            progress.phase("start", "vm_id=" + created.vmId());
            start(created.vmId());
            progress.phase("execute", "vm_id=" + created.vmId());
            return exec(created.vmId(), command, timeoutSeconds, listener);
        } catch (RuntimeException e) {
            deleteQuietly(created.vmId(), "run_vm_error_cleanup");
            throw e;
        }
    }

    public VmStatus stop(String vmId) {
        find(vmId);
        try (CacheLock lock = locks.lock(vmId)) {
            // Read again under the lock: a start that held it may have changed the record (its pid).
            VmInstance vm = find(vmId);
            closeAgent(vmId);
            try {
                SandboxRecord stopped = backendOf(vm.sandbox()).stop(vm.sandbox());
                VmInstance result = vm.withState(VmState.STOPPED, stopped);
                persist(result);
                vms.put(vmId, result);
                return result.status();
            } catch (IOException e) {
                throw PyroException.runtime("stopping vm " + vmId + " failed: " + ErrorText.of(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw PyroException.runtime("interrupted while stopping vm " + vmId, e);
            }
        } catch (IOException e) { // taking or releasing the lock
            throw PyroException.runtime("stopping vm " + vmId + " failed: " + ErrorText.of(e), e);
        }
    }

    public VmDeleteResult delete(String vmId, String reason) {
        find(vmId);
        try (CacheLock lock = locks.lock(vmId)) {
            // Read again under the lock: a start that held it may have recorded the sandbox's pid,
            // which the vm backend needs to stop QEMU; a delete that held it has done our work.
            VmInstance vm = vms.get(vmId);
            if (vm == null) {
                return new VmDeleteResult(vmId, true, reason);
            }
            closeAgent(vmId);
            try {
                backendOf(vm.sandbox()).delete(vm.sandbox());
                FileTrees.deleteRecursively(vmDir(vmId));
            } catch (IOException e) {
                throw PyroException.runtime("deleting vm " + vmId + " failed: " + ErrorText.of(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw PyroException.runtime("interrupted while deleting vm " + vmId, e);
            } finally {
                vms.remove(vmId);
            }
            return new VmDeleteResult(vmId, true, reason);
        } catch (IOException e) { // taking or releasing the lock
            throw PyroException.runtime("deleting vm " + vmId + " failed: " + ErrorText.of(e), e);
        }
    }

    public VmStatus status(String vmId) {
        return live(vmId).status();
    }

    public List<VmStatus> list() {
        return vms.values().stream().map(VmInstance::status).toList();
    }

    public VmNetworkInfo networkInfo(String vmId) {
        VmInstance vm = live(vmId);
        VmStatus status = vm.status();
        GuestNetwork network = vm.sandbox() == null ? null : GuestNetwork.readFrom(vm.sandbox().metadata());
        if (!status.networkEnabled() || network == null) {
            return new VmNetworkInfo(vmId, false, false, null, null, null, null, null, List.of(),
                    "network configuration is unavailable for this VM");
        }
        return new VmNetworkInfo(vmId, true, true, network.label(), network.tapName(), network.guestIp(), network.hostIp(),
                network.subnetCidr(), network.dnsServers(), null);
    }

    public ReapResult reapExpired() {
        double now = now();
        List<String> reaped = new ArrayList<>();
        for (VmInstance vm : List.copyOf(vms.values())) {
            if (vm.expired(now)) {
                deleteQuietly(vm.vmId(), "expired");
                reapedIds.add(vm.vmId());
                reaped.add(vm.vmId());
            }
        }
        return new ReapResult(List.copyOf(reaped), reaped.size());
    }

    public int activeCount() {
        return vms.size();
    }

    // ------------------------------------------------------------------ helpers

    private VmInstance find(String vmId) {
        VmId.of(vmId); // an id that is not one names no VM: said so, not "does not exist"
        VmInstance vm = vms.get(vmId);
        if (vm == null && reapedIds.contains(vmId)) {
            throw PyroException.invalid("vm '" + vmId + "' expired and was automatically deleted");
        }
        if (vm == null) {
            throw PyroException.invalid("vm '" + vmId + "' does not exist");
        }
        return vm;
    }

    /** The VM, unless its TTL ran out: then every expired VM is reaped and the caller told so. */
    private VmInstance live(String vmId) {
        VmInstance vm = find(vmId);
        if (vm.expired(now())) {
            reapExpired();
            throw PyroException.invalid("vm '" + vmId + "' expired and was automatically deleted");
        }
        return vm;
    }

    private AgentConnection connect(SandboxRecord sandbox) {
        return sandboxes.connect(sandbox);
    }

    private void closeAgent(String vmId) {
        AgentConnection agent = agents.remove(vmId);
        if (agent != null) {
            agent.close();
        }
    }

    SandboxBackend backendOf(SandboxRecord sandbox) {
        return sandboxes.backendOf(sandbox);
    }

    private void persist(VmInstance vm) {
        try {
            Path dir = vmDir(vm.vmId());
            Files.createDirectories(dir);
            Path tmp = dir.resolve("vm.json.tmp");
            Json.writeFile(tmp, vm);
            Files.move(tmp, dir.resolve("vm.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            throw PyroException.runtime("cannot write the record of vm " + vm.vmId() + ": " + ErrorText.of(e), e);
        }
    }

    /** A new engine finds the VMs of the last one: running ones stay started, the rest are stopped. */
    private void adoptPersisted() {
        if (!Files.isDirectory(vmsDir())) {
            return;
        }
        try (Stream<Path> dirs = Files.list(vmsDir())) {
            for (Path dir : dirs.toList()) {
                String name = dir.getFileName().toString();
                if (!Identifiers.isHex12(name) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    continue; // no VM of ours: left alone, never adopted
                }
                Path file = dir.resolve("vm.json");
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    deleteQuietly(dir); // a create that never finished
                    continue;
                }
                try {
                    VmInstance vm = Json.MAPPER.readValue(file.toFile(), VmInstance.class);
                    String problem = problem(name, vm, dir);
                    if (problem != null) {
                        System.err.println("pyro: ignoring vm record " + file + ": " + problem);
                        continue;
                    }
                    if (VmState.STARTED.is(vm.state()) && !backendOf(vm.sandbox()).isRunning(vm.sandbox())) {
                        vm = vm.withState(VmState.STOPPED, vm.sandbox().withPid(0));
                        persist(vm);
                    }
                    vms.put(vm.vmId(), vm);
                } catch (RuntimeException e) {
                    System.err.println("pyro: ignoring unreadable vm record " + file + ": " + ErrorText.of(e));
                }
            }
        } catch (IOException e) {
            throw PyroException.runtime("cannot read " + vmsDir() + ": " + ErrorText.of(e), e);
        }
    }

    /**
     * Why a VM record read back from disk is not one this engine made for {@code vms/<name>} (null:
     * it is): its id is its dir's, its sandbox lies in {@code vms/<id>/sandbox}, and the host backend
     * appears only where the record's own opt-in (made at the CLI) says so.
     */
    private String problem(String name, VmInstance vm, Path dir) {
        if (!name.equals(vm.vmId())) {
            return "it names vm " + (vm.vmId() == null ? "null" : Identifiers.quoted(vm.vmId())) + ", not its dir's";
        }
        if (vm.sandbox() == null) {
            return "it has no sandbox";
        }
        String backend = vm.sandbox().backend();
        java.util.Objects.requireNonNull(backend); // no backend: reported as an unreadable record, as before
        if (BackendName.of(backend).isEmpty()) {
            return "unknown backend '" + backend + "'";
        }
        if (BackendName.HOST.is(backend) && !vm.allowHostCompat()) {
            return "its host backend was not allowed at create (allow_host_compat is false)";
        }
        return SandboxRecordCheck.problem(vm.sandbox(), name, backend, dir.resolve("sandbox"), paths);
    }

    private void deleteQuietly(String vmId, String reason) {
        try {
            if (vms.containsKey(vmId)) {
                delete(vmId, reason);
            }
        } catch (RuntimeException e) {
            System.err.println("pyro: cleanup of vm " + vmId + " failed: " + ErrorText.of(e));
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            FileTrees.deleteRecursively(dir);
        } catch (IOException e) {
            // best effort; prune finds leftovers
        }
    }

    private static void stopQuietly(SandboxBackend backend, SandboxRecord sandbox) {
        try {
            backend.stop(sandbox);
        } catch (IOException | RuntimeException e) {
            // reported by the caller's error
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private double now() {
        return clock.getAsDouble();
    }

    @Override
    public void close() {
        agents.keySet().forEach(this::closeAgent);
    }
}
