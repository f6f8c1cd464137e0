package dev.pyro.engine.backend.vm;

import dev.pyro.api.state.BackendName;
import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.AgentHandoff;
import dev.pyro.engine.backend.SandboxProcesses;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.backend.SandboxRequest;
import dev.pyro.api.PyroPaths;
import dev.pyro.engine.host.HostTools;
import dev.pyro.engine.kernel.GuestKernel;
import dev.pyro.engine.process.HostCommand;
import dev.pyro.engine.template.Template;
import dev.pyro.engine.template.TemplateKey;
import dev.pyro.engine.template.TemplateStore;
import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.ErrorText;
import dev.pyro.protocol.ExitStatus;
import dev.pyro.protocol.SpawnRequest;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

/**
 * Warm templates for the {@code vm} backend. A template is a guest booted once to a ready agent,
 * paused, and saved: its migration state ({@code memory.state}, written by QEMU through
 * {@code exec:cat}) and its disk overlay ({@code disk.qcow2}, read-only from then on). A clone gets
 * a link to that overlay as its backing file (so retiring a template never breaks a workspace made
 * from it), a fresh qcow2 overlay on top, and a QEMU started with {@code -incoming} from the state.
 */
final class VmTemplates {

    static final String STATE = "memory.state";
    static final String DISK = "disk.qcow2";
    /** Sandbox metadata: the template a clone is made from, and the state it starts from (until its first start). */
    static final String TEMPLATE_DIR = "template_dir";
    static final String TEMPLATE_STATE = "template_state";

    private static final Duration MIGRATION_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);

    private final TemplateStore store;
    private final QemuBackend backend;

    VmTemplates(PyroPaths paths, QemuBackend backend) {
        this.store = new TemplateStore(paths);
        this.backend = backend;
    }

    /** {@code PYRO_TEMPLATES=off} makes every create boot cold (for measuring, or to rule templates out). */
    static boolean enabled() {
        return !"off".equalsIgnoreCase(System.getenv().getOrDefault("PYRO_TEMPLATES", "on").trim());
    }

    static TemplateKey key(SandboxRequest request, GuestKernel kernel, Path initramfs, String accelerator) {
        return key(request.environment(), request.install(), request.vcpuCount(), request.memMib(), kernel.version(),
                initramfs, accelerator);
    }

    static TemplateKey key(dev.pyro.engine.environment.EnvironmentSpec environment,
                           dev.pyro.engine.environment.InstallState install, int vcpuCount, int memMib,
                           String kernelVersion, Path initramfs, String accelerator) {
        return new TemplateKey(environment.name(), environment.version(), install.manifest().builtAt(), BackendName.VM.value(),
                accelerator, vcpuCount, memMib, kernelVersion, initramfs.getFileName().toString(), qemuBuild());
    }

    /** The QEMU binary's size and mtime: a package upgrade can change the migration format. */
    static String qemuBuild() {
        try {
            Path qemu = HostTools.which("qemu-system-x86_64").orElseThrow().toRealPath();
            return Files.size(qemu) + "-" + Files.getLastModifiedTime(qemu).toMillis();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    TemplateStore store() {
        return store;
    }

    /** The warm template for {@code request}, booting and saving one first if needed. */
    Template ensure(TemplateKey key, SandboxRequest request) throws IOException, InterruptedException {
        return store.ensure(key, dir -> build(dir, request, scratchPrefix(key)));
    }

    /**
     * Boots the template in a scratch dir under the system temp dir (its sockets need a short path),
     * saves its state straight into {@code dir}, then moves its disk there.
     */
    private Map<String, Long> build(Path dir, SandboxRequest request, String scratchPrefix)
            throws IOException, InterruptedException {
        removeStaleScratch(scratchPrefix);
        Path scratch = Files.createTempDirectory(scratchPrefix);
        try {
            SandboxRequest cold = new SandboxRequest("template-" + scratch.getFileName(), request.environment(),
                    request.install(), request.vcpuCount(), request.memMib(), false, scratch);
            SandboxRecord started = backend.start(backend.create(cold), BOOT_TIMEOUT);
            // the host stays connected while the guest is saved: clones wake with an agent in session
            try (AgentConnection agent = AgentConnection.connectUnix(started.agentSocket(), Duration.ofSeconds(10),
                    AgentConnection.Options.forSerial().withHello(Duration.ofSeconds(2), 30, true)
                            .withClientName("pyro-template"))) {
                warmUp(agent);
                try (QmpClient qmp = QmpClient.connect(scratch.resolve(QemuBackend.QMP_SOCKET), Duration.ofSeconds(10),
                        () -> SandboxProcesses.isAlive(started.pid(), scratch))) {
                    qmp.execute("stop", null);
                    qmp.execute("migrate", dev.pyro.api.Json.MAPPER.createObjectNode()
                            .put("uri", "exec:cat > " + shellQuote(dir.resolve(STATE))));
                    qmp.awaitMigration(MIGRATION_TIMEOUT);
                    qmp.execute("quit", null); // flushes the disk overlay's metadata before QEMU exits
                } catch (IOException e) {
                    if (!ErrorText.of(e).contains("closed its monitor")) {
                        throw e;
                    }
                }
                awaitExit(started);
            } finally {
                SandboxProcesses.terminate(started.pid(), scratch);
            }
            Files.move(scratch.resolve(DISK), dir.resolve(DISK));
        } finally {
            dev.pyro.engine.cache.FileTrees.deleteRecursively(scratch);
        }
        // owner-only: the saved memory holds the template guest's kernel state, its RNG pool included
        Files.setPosixFilePermissions(dir.resolve(DISK), PosixFilePermissions.fromString("r--------"));
        Files.setPosixFilePermissions(dir.resolve(STATE), PosixFilePermissions.fromString("r--------"));
        return Map.of(DISK, Files.size(dir.resolve(DISK)), STATE, Files.size(dir.resolve(STATE)));
    }

    /** Names a build's scratch dir after its store and family, so a later build can find what a crashed one left. */
    private String scratchPrefix(TemplateKey key) {
        String store = store().dir(key).getParent().toString();
        return "pyro-tpl-" + Integer.toHexString(store.hashCode()) + "-" + key.family();
    }

    /**
     * A build killed midway (the engine died) leaves its daemonized QEMU running in a scratch dir.
     * Called under the family's build lock, so no live build of this family owns such a dir.
     */
    private static void removeStaleScratch(String prefix) throws IOException, InterruptedException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (java.nio.file.DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, prefix + "*")) {
            java.nio.file.attribute.UserPrincipal me = tmp.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name"));
            for (Path stale : dirs) {
                // the temp dir is shared: another user's entry with our prefix is not ours to kill for or delete
                if (!Files.isDirectory(stale, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        || !me.equals(Files.getOwner(stale, java.nio.file.LinkOption.NOFOLLOW_LINKS))) {
                    continue;
                }
                SandboxProcesses.killAllMentioning(stale.toString());
                dev.pyro.engine.cache.FileTrees.deleteRecursively(stale);
            }
        }
    }

    /**
     * Proves the agent answers and that a clone can be refreshed, and leaves the programs both use
     * (a login shell, perl) in the saved page cache: a clone does not read them from disk again
     * (under TCG, perl's first start from disk takes ~3 s).
     */
    private static void warmUp(AgentConnection agent) throws IOException {
        ExitStatus status = agent.processes().spawn(SpawnRequest.of("/bin/sh", "-lc", "true").withCwd("/workspace"))
                .waitFor(Duration.ofSeconds(30));
        if (status.shellCode() != 0) {
            throw new IOException("the template's first command failed with exit " + status.shellCode());
        }
        try {
            dev.pyro.engine.template.CloneRefresh.apply(agent);
        } catch (PyroException e) {
            throw new IOException(ErrorText.of(e), e);
        }
    }

    private static void awaitExit(SandboxRecord sandbox) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (SandboxProcesses.isAlive(sandbox.pid(), sandbox.workDir()) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /**
     * A clone's disk: {@code base.qcow2} (a hard link to the template's overlay, or a copy when the
     * state dir is on another filesystem) under a fresh {@code disk.qcow2}.
     */
    static Path cloneDisk(Template template, Path work, Path qemuImg) throws IOException, InterruptedException {
        Path base = work.resolve("base.qcow2");
        Files.deleteIfExists(base);
        try {
            Files.createLink(base, template.file(DISK));
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(template.file(DISK), base);
        }
        Path disk = work.resolve(DISK);
        Files.deleteIfExists(disk);
        HostCommand.of(qemuImg.toString(), "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", base.toString(),
                disk.toString()).run();
        return disk;
    }

    /**
     * Starts a clone: QEMU loads the template's state, then resumes the guest (it was paused when
     * saved). Returns the started record, marked for {@link dev.pyro.engine.template.CloneRefresh}
     * and no longer pointing at the state (a later start boots its own disk).
     */
    SandboxRecord restore(SandboxRecord sandbox, Duration readyTimeout) throws IOException, InterruptedException {
        Path state = Path.of(sandbox.metadata().get(TEMPLATE_STATE));
        if (!Files.isReadable(state)) {
            throw new IOException("the template's saved state " + state + " is gone");
        }
        SandboxRecord started = backend.launch(sandbox, java.util.List.of("-incoming", "exec:cat " + shellQuote(state)));
        java.util.function.BooleanSupplier alive = () -> SandboxProcesses.isAlive(started.pid(), started.workDir());
        SocketChannel agentChannel = null;
        try {
            // connected before the state is loaded: the guest's agent then keeps its session (see AgentHandoff)
            agentChannel = connectEarly(started.agentSocket(), readyTimeout, alive);
            try (QmpClient qmp = QmpClient.connect(sandbox.workDir().resolve(QemuBackend.QMP_SOCKET),
                    Duration.ofSeconds(10), alive)) {
                qmp.awaitMigration(MIGRATION_TIMEOUT);
                qmp.execute("cont", null);
            }
            AgentConnection agent = AgentConnection.open(Channels.newInputStream(agentChannel),
                    Channels.newOutputStream(agentChannel), agentChannel,
                    AgentConnection.Options.forSerial().withHello(Duration.ofSeconds(2), 30, true)
                            .withClientName("pyro-engine"));
            AgentHandoff.offer(started.agentSocket(), agent);
        } catch (IOException | RuntimeException e) {
            if (agentChannel != null) {
                agentChannel.close();
            }
            SandboxProcesses.terminate(started.pid(), sandbox.workDir());
            throw e;
        }
        Map<String, String> metadata = new java.util.LinkedHashMap<>(started.metadata());
        metadata.remove(TEMPLATE_STATE);
        metadata.put(dev.pyro.engine.template.CloneRefresh.RESTORED, "true");
        return new SandboxRecord(started.id(), started.backend(), started.executionMode(), started.workDir(),
                started.agentSocket(), started.pid(), metadata);
    }

    /** Single-quoted for {@code /bin/sh}; a path with a quote in it is refused rather than escaped. */
    static String shellQuote(Path path) {
        String s = path.toString();
        if (s.contains("'")) {
            throw PyroException.invalid("the cache path " + s + " contains a single quote; set PYRO_CACHE_DIR to "
                    + "a path without one");
        }
        return "'" + s + "'";
    }

    private static SocketChannel connectEarly(Path socket, Duration timeout, java.util.function.BooleanSupplier alive)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
                return channel;
            } catch (IOException e) {
                channel.close();
                if (System.nanoTime() > deadline || !alive.getAsBoolean()) {
                    throw new IOException("the restored VM's agent socket " + socket + " did not open: "
                            + ErrorText.of(e), e);
                }
                Thread.sleep(5);
            }
        }
    }
}
