package dev.pyro.engine.backend.gvisor;

import dev.pyro.api.state.ExecutionMode;
import dev.pyro.api.state.BackendName;
import dev.pyro.agent.AgentBinaries;
import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.AgentSockets;
import dev.pyro.engine.backend.HostMounts;
import dev.pyro.engine.backend.SandboxBackend;
import dev.pyro.engine.backend.SandboxProcesses;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.backend.SandboxRequest;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.api.PyroPaths;
import dev.pyro.engine.host.HostPrivilege;
import dev.pyro.engine.host.HostTools;
import dev.pyro.api.Json;
import dev.pyro.engine.process.HostCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The {@code gvisor} backend: runsc (ptrace platform) running the environment's root through a
 * per-sandbox overlay whose upper dir sits on the sandbox's own size-limited layer file
 * ({@link GvisorLayer}): writes persist, a full disk stays the guest's own, and the environment stays
 * untouched. The agent listens on a socket it creates in a bind-mounted host directory
 * ({@code --host-uds=create}), so the engine can reconnect after a restart; that directory is a
 * tiny tmpfs of its own that the engine reads nothing from ({@link GuestSocketDir}).
 *
 * <p>An ordinary user's engine runs this as root of the user's namespace ({@link HostPrivilege#USER_NAMESPACE}):
 * the same mounts, runsc with {@code --ignore-cgroups}, a plain upper dir ({@link GvisorLayer}) and
 * the pids limit inside the sandbox ({@link OciBundle}) and the engine's memory watch
 * ({@link GvisorMemoryWatch}); CPU is not bounded there.
 */
public final class GvisorBackend implements SandboxBackend {

    /** Under the work dir: the host's read-only bind of the agent binaries. */
    private static final String AGENT_BIN = "bin";

    private final PyroPaths paths;

    public GvisorBackend(PyroPaths paths) {
        this.paths = paths;
    }

    @Override
    public String name() {
        return BackendName.GVISOR.value();
    }

    @Override
    public String executionMode() {
        return ExecutionMode.GUEST_GVISOR.value();
    }

    @Override
    public SandboxRecord create(SandboxRequest request) throws IOException, InterruptedException {
        runsc();
        if (request.network()) {
            throw PyroException.invalid("the gvisor backend has no guest networking yet; "
                    + "use --backend vm (or auto, which picks vm when --network is given)");
        }
        if (!HostPrivilege.current().canMount()) {
            // An ordinary user's daemon runs in its user namespace; only an embedded engine gets here.
            throw PyroException.runtime("the gvisor backend needs the engine daemon (an ordinary user's runs in a "
                    + "user namespace) or root; use the pyro engine daemon or --backend vm", null);
        }
        Path work = request.workDir();
        for (String dir : List.of("rootfs", "bundle", "runsc")) {
            Files.createDirectories(work.resolve(dir));
        }
        GvisorLayer.create(work, GvisorLayer.sizeBytes(request.install().manifest().artifacts().rootfsImageSizeBytes()));
        writeBundle(work, request.vcpuCount(), request.memMib());
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("rootfs_lower", request.install().installDir()
                .resolve(request.install().manifest().artifacts().rootfsDir()).toString());
        metadata.put("container_id", "pyro-" + request.id());
        metadata.put("vcpu_count", Integer.toString(request.vcpuCount()));
        metadata.put("mem_mib", Integer.toString(request.memMib()));
        metadata.put("network_enabled", "false");
        metadata.put("console_log_path", work.resolve("console.log").toString());
        return new SandboxRecord(request.id(), name(), executionMode(), work, GuestSocketDir.socket(work), 0,
                metadata);
    }

    private static void writeBundle(Path work, int vcpus, int memMib) throws IOException {
        OciBundle.write(work.resolve("bundle/config.json"), work.resolve("rootfs"), work.resolve(AGENT_BIN),
                GuestSocketDir.guestDir(work), vcpus, memMib);
    }

    /**
     * The agent binaries reach the guest through a read-only bind made on the host. A bind that is
     * read-only only in the OCI spec is not enough: root in the guest remounts it read-write
     * ({@code mount -o remount,rw /run/pyro/bin}) and the gofer then writes the shared agent cache
     * on the host (files of any size, the binary other sandboxes' init restarts). The host mount
     * answers EROFS to every such write.
     */
    private void mountAgentBin(Path work) throws IOException, InterruptedException {
        Path bin = work.resolve(AGENT_BIN);
        if (!HostMounts.isMountPoint(bin)) {
            Path agentBin = AgentBinaries.extract(paths.cacheDir().resolve("agent")
                    .resolve(AgentBinaries.sha256(AgentBinaries.AGENT).substring(0, 16))).agent().path().getParent();
            Files.createDirectories(bin);
            HostCommand.of("mount", "--bind", agentBin.toString(), bin.toString()).run();
        }
        // Also when a kill came between the bind and this remount: the bind is never left writable.
        HostCommand.of("mount", "-o", "remount,bind,ro,nosuid,nodev", bin.toString()).run();
    }

    /**
     * Sandboxes made before the socket had its own tmpfs bound the plain dir {@code host} into the
     * guest, unbounded: they get the new bundle (same size) and socket path at their next start, and
     * whatever their guest left in {@code host} is removed (without following links).
     */
    private SandboxRecord migrateSocketDir(SandboxRecord sandbox) throws IOException {
        Path work = sandbox.workDir();
        if (sandbox.agentSocket().equals(GuestSocketDir.socket(work))) {
            return sandbox;
        }
        writeBundle(work, Integer.parseInt(sandbox.metadata().get("vcpu_count")),
                Integer.parseInt(sandbox.metadata().get("mem_mib")));
        FileTrees.deleteRecursively(work.resolve("host"));
        return new SandboxRecord(sandbox.id(), sandbox.backend(), sandbox.executionMode(), work,
                GuestSocketDir.socket(work), sandbox.pid(), sandbox.metadata());
    }

    @Override
    public SandboxRecord start(SandboxRecord recorded, Duration readyTimeout) throws IOException, InterruptedException {
        SandboxRecord sandbox = migrateSocketDir(recorded);
        Path work = sandbox.workDir();
        GuestSocketDir.mount(work);
        mountAgentBin(work);
        mountOverlay(sandbox);
        Files.deleteIfExists(sandbox.agentSocket());
        GvisorMemoryWatch.clearReason(work);
        String id = sandbox.metadata().get("container_id");
        // A stale container state of the same id (after a host crash) would block run.
        FileTrees.deleteRecursively(work.resolve("runsc"));
        Files.createDirectories(work.resolve("runsc"));
        List<String> argv = new ArrayList<>(runscArgs(sandbox));
        argv.addAll(List.of("run", "--detach", "--bundle", work.resolve("bundle").toString(), id));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                // On the sandbox's small tmpfs: root in the guest can write runsc's stdout (/proc/1/fd/1).
                .redirectOutput(ProcessBuilder.Redirect.appendTo(GuestSocketDir.liveConsole(work).toFile()));
        Process process = builder.start();
        process.getOutputStream().close();
        if (process.waitFor() != 0) {
            String tail = tail(GuestSocketDir.liveConsole(work));
            kill(sandbox);
            throw PyroException.runtime("runsc failed to start the sandbox; see " + work.resolve("console.log")
                    + ": " + tail, null);
        }
        long pid = sandboxPid(sandbox);
        SandboxRecord started = sandbox.withPid(pid);
        if (!awaitSocket(started.agentSocket(), readyTimeout)) {
            stop(started);
            throw PyroException.runtime("the gVisor sandbox did not open its agent socket within "
                    + readyTimeout.toSeconds() + " s; see " + work.resolve("console.log"), null);
        }
        watchMemory(started);
        return started;
    }

    /** Like {@link SandboxProcesses#awaitSocket}, dialing only through a checked private link. */
    private static boolean awaitSocket(Path socket, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (AgentSockets.accepts(socket)) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    private List<String> runscArgs(SandboxRecord sandbox) throws IOException {
        Path runsc = runsc();
        List<String> argv = new ArrayList<>(List.of(runsc.toString(), "--root",
                sandbox.workDir().resolve("runsc").toString(),
                "--platform=ptrace", "--network=none", "--host-uds=create", "--cpu-num-from-quota"));
        if (!HostPrivilege.current().hostRoot()) {
            // Host cgroups belong to root (runsc failed: mkdir /sys/fs/cgroup/pids/runsc-...: permission
            // denied). The limits then hold differently: see SandboxLimits and OciBundle.
            argv.add("--ignore-cgroups");
        }
        if (RunscFlags.supports(runsc, "overlay2")) {
            // Root writes must land in our overlay (on the size-limited layer), not runsc's own store.
            argv.add("--overlay2=none");
        }
        return argv;
    }

    private long sandboxPid(SandboxRecord sandbox) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(runscArgs(sandbox));
        argv.addAll(List.of("state", sandbox.metadata().get("container_id")));
        HostCommand.Result state = HostCommand.of(argv).runAllowingFailure();
        if (state.exitCode() != 0) {
            return 0;
        }
        JsonNode node = Json.MAPPER.readTree(state.output());
        return node.path("pid").asLong(0);
    }

    private static void mountOverlay(SandboxRecord sandbox) throws IOException, InterruptedException {
        Path work = sandbox.workDir();
        Path merged = work.resolve("rootfs");
        if (HostMounts.isMountPoint(merged)) {
            return;
        }
        Path upper = GvisorLayer.upperDir(sandbox);
        HostCommand.of("mount", "-t", "overlay", "overlay", "-o",
                "lowerdir=" + sandbox.metadata().get("rootfs_lower") + ",upperdir=" + upper
                        + ",workdir=" + GvisorLayer.workDir(sandbox), merged.toString()).run();
    }

    /** Rootless (or asked to): the engine bounds the sandbox's memory itself ({@link GvisorMemoryWatch}). */
    private static void watchMemory(SandboxRecord sandbox) {
        if (GvisorMemoryWatch.enabled(HostPrivilege.current().hostRoot())) {
            GvisorMemoryWatch.watch(sandbox.workDir(), Long.parseLong(sandbox.metadata().get("mem_mib")));
        }
    }

    @Override
    public String stoppedReason(SandboxRecord sandbox) {
        return GvisorMemoryWatch.reason(sandbox.workDir());
    }

    @Override
    public boolean isRunning(SandboxRecord sandbox) {
        boolean running = runningHere(sandbox);
        if (running && !GvisorMemoryWatch.watched(sandbox.workDir())) {
            watchMemory(sandbox); // adopted after an engine restart
        }
        return running;
    }

    private boolean runningHere(SandboxRecord sandbox) {
        if (!SandboxProcesses.isAlive(sandbox.pid(), sandbox.workDir())) {
            return false;
        }
        if (HostPrivilege.current().hostRoot()) {
            return true;
        }
        // Rootless: a sandbox started in a user namespace that is gone (its keeper was killed with the
        // engine) still runs, but its mounts and agent socket are not in this engine's namespace: it
        // counts as dead, so recovery stops it (files kept) and the next start runs it here.
        try {
            return GuestSocketDir.mounted(sandbox.workDir());
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public SandboxRecord stop(SandboxRecord sandbox) throws IOException, InterruptedException {
        if (isRunning(sandbox)) {
            // Graceful: init stops its processes and syncs, so the overlay's upper dir is complete.
            List<String> term = new ArrayList<>(runscArgs(sandbox));
            term.addAll(List.of("kill", sandbox.metadata().get("container_id"), "TERM"));
            HostCommand.of(term).runAllowingFailure();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (isRunning(sandbox) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        return kill(sandbox);
    }

    /**
     * Ends the sandbox at once: SIGKILL to its runsc processes (sandbox and gofer; all name its
     * private runsc root), then its container state and mount go. Nothing inside is kept consistent.
     * This takes milliseconds where {@code runsc delete --force} takes over a second.
     */
    private SandboxRecord kill(SandboxRecord sandbox) throws IOException, InterruptedException {
        GvisorMemoryWatch.unwatch(sandbox.workDir());
        Path runscRoot = sandbox.workDir().resolve("runsc");
        SandboxProcesses.killAllMentioning("--root=" + runscRoot);
        SandboxProcesses.killAllMentioning("--root " + runscRoot);
        FileTrees.deleteRecursively(runscRoot);
        Files.createDirectories(runscRoot);
        Path merged = sandbox.workDir().resolve("rootfs");
        if (HostMounts.isMountPoint(merged)) {
            HostCommand.of("umount", merged.toString()).runAllowingFailure();
        }
        if (!HostMounts.isMountPoint(merged)) {
            GvisorLayer.unmount(sandbox);
        }
        GuestSocketDir.saveConsole(sandbox.workDir());
        GuestSocketDir.unmount(sandbox.workDir());
        HostMounts.unmountOrDetach(sandbox.workDir().resolve(AGENT_BIN));
        return sandbox.withPid(0);
    }

    @Override
    public void delete(SandboxRecord sandbox) throws IOException, InterruptedException {
        kill(sandbox); // its files go next: no need to stop it gently
        for (String mount : List.of("rootfs", GvisorLayer.MOUNT, GuestSocketDir.MOUNT, AGENT_BIN)) {
            if (HostMounts.isMountPoint(sandbox.workDir().resolve(mount))) {
                // Deleting through a live mount would walk into it; leave the files for a later delete.
                throw PyroException.runtime("cannot unmount " + sandbox.workDir().resolve(mount)
                        + "; the sandbox files stay until it is unmounted", null);
            }
        }
        FileTrees.deleteRecursively(sandbox.workDir());
    }

    private static Path runsc() {
        return HostTools.which("runsc").orElseThrow(() -> PyroException.runtime(
                "runsc is not installed (Debian package runsc); run: pyro doctor --fix", null));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
