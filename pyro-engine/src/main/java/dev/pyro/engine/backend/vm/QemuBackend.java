package dev.pyro.engine.backend.vm;

import dev.pyro.api.state.ExecutionMode;
import dev.pyro.api.state.BackendName;
import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.ProcessBackedBackend;
import dev.pyro.engine.backend.SandboxProcesses;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.backend.SandboxStall;
import dev.pyro.engine.backend.SandboxRequest;
import dev.pyro.api.PyroPaths;
import dev.pyro.engine.host.HostTools;
import dev.pyro.api.Json;
import dev.pyro.engine.kernel.GuestKernel;
import dev.pyro.engine.network.GuestNetwork;
import dev.pyro.engine.network.GuestNetworks;
import dev.pyro.engine.process.HostCommand;
import dev.pyro.api.Progress;
import dev.pyro.engine.template.CloneRefresh;
import dev.pyro.engine.template.Template;
import dev.pyro.engine.template.TemplateKey;
import dev.pyro.engine.template.TemplateStatus;
import dev.pyro.engine.template.TemplateStore;
import dev.pyro.engine.environment.EnvironmentSpec;
import dev.pyro.engine.environment.InstallState;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code vm} backend: a QEMU microvm per sandbox. Its disk is a qcow2 overlay on the
 * environment's read-only ext4 image (instant, copy-on-write); the guest agent is injected by a tiny
 * initramfs and reached over virtio-serial on a host Unix socket. QEMU is daemonized with a pid file
 * so a sandbox outlives the engine that started it. With network, the guest gets a TAP device and a
 * /30 of its own behind the host's NAT and firewall ({@link GuestNetworks}): out, yes; to the host, no.
 * Without root (or with {@code -Dpyro.network.mode=user}) it gets a passt NIC for egress and a QEMU
 * user-network NIC ({@code restrict=on}) that only carries published ports (see UserNetworks).
 * A request that allows it (no network) starts from a warm template instead of booting
 * ({@link VmTemplates}); the first start of such a clone restores the saved guest.
 */
public final class QemuBackend extends ProcessBackedBackend {

    private final PyroPaths paths;
    private final GuestKernels kernels;
    private final boolean kvm;
    private final Progress progress;
    private final GuestNetworks networks = new GuestNetworks();
    private final VmTemplates templates;

    /** QEMU's JSON monitor, next to the agent socket: pausing, saving and loading guest state. */
    static final String QMP_SOCKET = "qmp.sock";
    /** The user-network netdev that carries published ports in rootless mode ({@link VmPortForwards}). */
    static final String PUBLISH_NETDEV = "pub";
    private static final String SERIAL_RING = "console";
    /** A power of two, as QEMU's ringbuf wants; the last 256 KiB of a boot is plenty to see why it failed. */
    private static final int SERIAL_RING_BYTES = 256 << 10;

    /** @param kvm use KVM (only when doctor's boot probe passed), else TCG */
    public QemuBackend(PyroPaths paths, boolean kvm, Progress progress) {
        this.paths = paths;
        this.kernels = new GuestKernels(paths);
        this.kvm = kvm;
        this.progress = progress;
        this.templates = new VmTemplates(paths, this);
    }

    /**
     * Whether a create of this environment and size would start from a warm template now (for
     * doctor and prepare; builds nothing). Cold when the kernel or the environment is not there yet.
     */
    public static TemplateStatus templateStatus(PyroPaths paths, EnvironmentSpec environment, InstallState install,
                                                int vcpuCount, int memMib) {
        if (!VmTemplates.enabled()) {
            return new TemplateStatus(TemplateStatus.UNSUPPORTED, "PYRO_TEMPLATES=off: every create boots cold", null);
        }
        GuestKernels kernels = new GuestKernels(paths);
        Optional<GuestKernel> kernel = kernels.installed();
        if (kernel.isEmpty() || !install.installed() || install.manifest() == null) {
            return new TemplateStatus(TemplateStatus.COLD, "the guest kernel or the environment is not installed yet",
                    null);
        }
        TemplateKey key = VmTemplates.key(environment, install, vcpuCount, memMib, kernel.get().version(),
                Initramfs.file(paths.cacheDir()), Accelerator.of(kernels.kvmBootPassed()).value());
        return new TemplateStore(paths).status(key);
    }

    @Override
    public String name() {
        return BackendName.VM.value();
    }

    @Override
    public String executionMode() {
        return ExecutionMode.GUEST_VM.value();
    }

    @Override
    public SandboxRecord create(SandboxRequest request) throws IOException, InterruptedException {
        Path qemuImg = HostTools.which("qemu-img").orElseThrow(() -> missing("qemu-img", "qemu-utils"));
        HostTools.which("qemu-system-x86_64").orElseThrow(() -> missing("qemu-system-x86_64", "qemu-system-x86"));
        GuestKernel kernel = kernels.ensureBuilt(progress);
        Path work = request.workDir();
        Files.createDirectories(work);
        Path base = request.install().installDir().resolve(request.install().manifest().artifacts().rootfsImage());
        Path initramfs = Initramfs.ensure(paths.cacheDir());
        Template template = request.fromTemplate() && !request.network() && VmTemplates.enabled()
                ? warmTemplate(request, kernel, initramfs) : null;
        Path disk = work.resolve(VmTemplates.DISK);
        if (template != null) {
            try {
                VmTemplates.cloneDisk(template, work, qemuImg);
            } catch (IOException | RuntimeException e) {
                System.err.println("pyro: cloning the disk of template " + template.dir() + " failed (" + ErrorText.of(e)
                        + "); booting " + request.id() + " cold");
                template = null;
                Files.deleteIfExists(work.resolve("base.qcow2"));
            }
        }
        if (template == null) {
            coldDisk(qemuImg, base, disk);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("kernel_image", kernel.image().toString());
        metadata.put("kernel_version", kernel.version());
        metadata.put("initramfs", initramfs.toString());
        metadata.put("rootfs_image", disk.toString());
        metadata.put("rootfs_base_image", base.toString());
        metadata.put("accelerator", Accelerator.of(kvm).value());
        metadata.put("vcpu_count", Integer.toString(request.vcpuCount()));
        metadata.put("mem_mib", Integer.toString(request.memMib()));
        metadata.put("network_enabled", Boolean.toString(request.network()));
        if (request.network()) {
            networks.allocate(work).writeTo(metadata);
        }
        metadata.put("serial_log_path", work.resolve("serial.log").toString());
        if (template != null) {
            metadata.put(VmTemplates.TEMPLATE_DIR, template.dir().toString());
            metadata.put(VmTemplates.TEMPLATE_STATE, template.file(VmTemplates.STATE).toString());
        }
        return new SandboxRecord(request.id(), name(), executionMode(), work, work.resolve("agent.sock"), 0, metadata);
    }

    /**
     * The warm template for this request, built on first use; null (cold boot) when none can be
     * made, so a template problem never fails a create.
     */
    private Template warmTemplate(SandboxRequest request, GuestKernel kernel, Path initramfs) {
        TemplateKey key = VmTemplates.key(request, kernel, initramfs, Accelerator.of(kvm).value());
        try {
            Optional<Template> warm = templates.store().warm(key);
            if (warm.isPresent()) {
                return warm.get();
            }
            progress.phase("template", "environment=" + request.environment().name());
            return templates.ensure(key, request);
        } catch (IOException | RuntimeException e) {
            System.err.println("pyro: no warm template for " + request.environment().name() + " (" + ErrorText.of(e)
                    + "); booting " + request.id() + " cold");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void coldDisk(Path qemuImg, Path base, Path disk) throws IOException, InterruptedException {
        Files.deleteIfExists(disk);
        HostCommand.of(qemuImg.toString(), "create", "-q", "-f", "qcow2", "-F", "raw", "-b", base.toString(),
                disk.toString()).run();
    }

    @Override
    public SandboxRecord start(SandboxRecord sandbox, Duration readyTimeout) throws IOException, InterruptedException {
        if (sandbox.metadata().containsKey(VmTemplates.TEMPLATE_STATE)) {
            try {
                return templates.restore(sandbox, readyTimeout);
            } catch (IOException | RuntimeException e) {
                Path dir = Path.of(sandbox.metadata().get(VmTemplates.TEMPLATE_DIR));
                System.err.println("pyro: restoring " + sandbox.id() + " from template " + dir + " failed ("
                        + ErrorText.of(e) + "); booting it cold");
                templates.store().discard(dir, "a restore from it failed: " + ErrorText.of(e));
                sandbox = coldInstead(sandbox);
            }
        }
        SandboxRecord started = launch(sandbox, List.of());
        if (!SandboxProcesses.awaitSocket(started.agentSocket(), readyTimeout, () -> isRunning(started))) {
            saveSerialTail(started);
            SandboxProcesses.terminate(started.pid(), sandbox.workDir());
            networkDown(sandbox);
            throw PyroException.runtime("the VM did not open its agent channel within " + readyTimeout.toSeconds()
                    + " s; serial log: " + sandbox.workDir().resolve("serial.log"), null);
        }
        Map<String, String> metadata = new LinkedHashMap<>(started.metadata());
        metadata.remove(CloneRefresh.RESTORED); // a cold boot has its own clock and randomness
        return new SandboxRecord(started.id(), started.backend(), started.executionMode(), started.workDir(),
                started.agentSocket(), started.pid(), metadata);
    }

    /**
     * QEMU pauses a guest whose write to the disk overlay failed for lack of space (its default
     * {@code werror=enospc}), keeping the write to retry. {@code cont} retries it: with space back
     * the guest runs on where it stopped; without, it pauses again at once.
     */
    /** Copies the console ring of a VM that failed to boot into {@code serial.log}, for the error to point at. */
    private void saveSerialTail(SandboxRecord started) {
        Path log = started.workDir().resolve("serial.log");
        try (QmpClient qmp = QmpClient.connect(started.workDir().resolve(QMP_SOCKET), Duration.ofSeconds(2),
                () -> isRunning(started))) {
            ObjectNode read = Json.MAPPER.createObjectNode().put("device", SERIAL_RING)
                    .put("size", SERIAL_RING_BYTES).put("format", "utf8");
            Files.writeString(log, qmp.execute("ringbuf-read", read).asString(""), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            // QEMU is gone or will not answer: the error names the timeout, the log stays empty
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Less room than this left on the overlay's filesystem: resuming would only pause again. */
    private static final long RESUME_MIN_FREE_BYTES = 8L << 20;

    @Override
    public SandboxStall resumeIfStalled(SandboxRecord sandbox) {
        if (!isRunning(sandbox)) {
            return SandboxStall.NONE;
        }
        try (QmpClient qmp = QmpClient.connect(sandbox.workDir().resolve(QMP_SOCKET), Duration.ofSeconds(2),
                () -> isRunning(sandbox))) {
            if (!"io-error".equals(qmp.execute("query-status", null).path("status").asString(""))) {
                return SandboxStall.NONE;
            }
            if (Files.getFileStore(sandbox.workDir()).getUsableSpace() < RESUME_MIN_FREE_BYTES) {
                return SandboxStall.DISK_FULL;
            }
            qmp.execute("cont", null);
            long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < deadline) { // the retried write may fail again at once
                Thread.sleep(100);
                if ("io-error".equals(qmp.execute("query-status", null).path("status").asString(""))) {
                    return SandboxStall.DISK_FULL;
                }
            }
            return SandboxStall.RESUMED;
        } catch (IOException e) {
            return SandboxStall.NONE; // no monitor to ask: the agent's own error stands
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SandboxStall.NONE;
        }
    }

    /** A clone whose restore failed: the same sandbox on a plain overlay of the environment's image. */
    private SandboxRecord coldInstead(SandboxRecord sandbox) throws IOException, InterruptedException {
        Path qemuImg = HostTools.which("qemu-img").orElseThrow(() -> missing("qemu-img", "qemu-utils"));
        coldDisk(qemuImg, Path.of(sandbox.metadata().get("rootfs_base_image")),
                Path.of(sandbox.metadata().get("rootfs_image")));
        Files.deleteIfExists(sandbox.workDir().resolve("base.qcow2"));
        Map<String, String> metadata = new LinkedHashMap<>(sandbox.metadata());
        metadata.remove(VmTemplates.TEMPLATE_STATE);
        metadata.remove(VmTemplates.TEMPLATE_DIR);
        return new SandboxRecord(sandbox.id(), sandbox.backend(), sandbox.executionMode(), sandbox.workDir(),
                sandbox.agentSocket(), 0, metadata);
    }

    /** Starts QEMU daemonized (with {@code extra} arguments) and returns the record with its pid. */
    SandboxRecord launch(SandboxRecord sandbox, List<String> extra) throws IOException, InterruptedException {
        Path work = sandbox.workDir();
        Files.deleteIfExists(sandbox.agentSocket());
        Files.deleteIfExists(work.resolve(QMP_SOCKET));
        Path pidFile = work.resolve("qemu.pid");
        Files.deleteIfExists(pidFile);
        GuestNetwork network = GuestNetwork.readFrom(sandbox.metadata());
        if (network != null) {
            networks.up(network, work);
        }
        List<String> argv = new ArrayList<>(commandLine(sandbox));
        argv.addAll(extra);
        HostCommand.Result launched = HostCommand.of(argv).runAllowingFailure();
        long pid = SandboxProcesses.readPidFile(pidFile);
        if (launched.exitCode() != 0 || pid == 0) {
            networkDown(sandbox);
            throw PyroException.runtime("QEMU failed to start the VM (exit " + launched.exitCode() + "): "
                    + String.join("\n", launched.tail()), null);
        }
        return sandbox.withPid(pid);
    }

    @Override
    public SandboxRecord stop(SandboxRecord sandbox) throws InterruptedException {
        SandboxRecord stopped = super.stop(sandbox);
        networkDown(sandbox);
        return stopped;
    }

    @Override
    public void delete(SandboxRecord sandbox) throws IOException, InterruptedException {
        stop(sandbox);
        GuestNetwork network = GuestNetwork.readFrom(sandbox.metadata());
        if (network != null) {
            networks.release(network, sandbox.workDir());
        }
        super.delete(sandbox);
    }

    private void networkDown(SandboxRecord sandbox) throws InterruptedException {
        GuestNetwork network = GuestNetwork.readFrom(sandbox.metadata());
        if (network != null) {
            try {
                networks.down(network, sandbox.workDir());
            } catch (IOException e) {
                // the TAP device is gone already
            }
        }
    }

    private List<String> commandLine(SandboxRecord sandbox) {
        Map<String, String> m = sandbox.metadata();
        Path work = sandbox.workDir();
        GuestNetwork network = GuestNetwork.readFrom(m);
        List<String> cmdline = new ArrayList<>(List.of("console=ttyS0", "loglevel=4", "reboot=t", "panic=-1",
                "pyro.root=/dev/vda", "pyro.agent=/dev/virtio-ports/pyro.agent",
                "pyro.pids_max=" + dev.pyro.engine.backend.SandboxLimits.PIDS_MAX));
        if (!kvm) {
            cmdline.add("tsc_early_khz=" + HostCpu.tscKhz());
        }
        if (network != null) {
            cmdline.addAll(network.kernelParameters());
        }
        List<String> argv = new ArrayList<>(List.of("qemu-system-x86_64",
                "-name", "pyro-" + sandbox.id(),
                "-M", "microvm,acpi=off,x-option-roms=off",
                "-accel", Accelerator.of(kvm).value(), "-cpu", kvm ? "host" : "max",
                "-smp", m.get("vcpu_count"), "-m", m.get("mem_mib"),
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot", "-sandbox", "on",
                "-kernel", m.get("kernel_image"), "-initrd", m.get("initramfs"),
                "-append", String.join(" ", cmdline),
                // The guest's console goes to a ring in QEMU's memory, not a host file: a guest root
                // writing to its serial port grew serial.log without limit (issue 17, same class as
                // gVisor's console). Its tail is saved to serial.log when a boot fails.
                "-chardev", "ringbuf,id=" + SERIAL_RING + ",size=" + SERIAL_RING_BYTES,
                "-serial", "chardev:" + SERIAL_RING,
                "-drive", "id=root,file=" + m.get("rootfs_image") + ",format=qcow2,if=none,discard=unmap",
                "-device", "virtio-blk-device,drive=root",
                "-chardev", "socket,id=agent,path=" + sandbox.agentSocket() + ",server=on,wait=off",
                "-device", "virtio-serial-device",
                "-device", "virtserialport,chardev=agent,name=pyro.agent",
                "-qmp", "unix:" + work.resolve(QMP_SOCKET) + ",server=on,wait=off",
                "-pidfile", work.resolve("qemu.pid").toString(),
                "-daemonize"));
        if (network != null && network.userMode()) {
            // eth0 (the first virtio-mmio NIC): passt; eth1: published ports only (restrict=on: the
            // guest can open nothing through it, host forwards added over QMP still reach it)
            argv.addAll(List.of("-netdev", "stream,id=net0,server=off,addr.type=unix,addr.path="
                            + work.resolve("passt.sock"),
                    "-device", "virtio-net-device,netdev=net0",
                    "-netdev", "user,id=" + PUBLISH_NETDEV + ",restrict=on,ipv6=off,net=" + GuestNetwork.PUBLISH_NET
                            + "/" + GuestNetwork.PUBLISH_PREFIX + ",host=" + GuestNetwork.PUBLISH_HOST,
                    "-device", "virtio-net-device,netdev=" + PUBLISH_NETDEV));
        } else if (network != null) {
            argv.addAll(List.of("-netdev", "tap,id=net0,ifname=" + network.tapName() + ",script=no,downscript=no",
                    "-device", "virtio-net-device,netdev=net0"));
        }
        return argv;
    }

    private static PyroException missing(String program, String debianPackage) {
        return PyroException.runtime(program + " is not installed (Debian package " + debianPackage
                + "); run: pyro doctor --fix", null);
    }
}
