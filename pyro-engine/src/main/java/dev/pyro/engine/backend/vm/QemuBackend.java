package dev.pyro.engine.backend.vm;

import dev.pyro.engine.PyroException;
import dev.pyro.engine.backend.ProcessBackedBackend;
import dev.pyro.engine.backend.SandboxProcesses;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.backend.SandboxRequest;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.host.HostTools;
import dev.pyro.engine.kernel.GuestKernel;
import dev.pyro.engine.network.GuestNetwork;
import dev.pyro.engine.network.GuestNetworks;
import dev.pyro.engine.process.HostCommand;
import dev.pyro.engine.progress.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code vm} backend: a QEMU microvm per sandbox. Its disk is a qcow2 overlay on the
 * environment's read-only ext4 image (instant, copy-on-write); the guest agent is injected by a tiny
 * initramfs and reached over virtio-serial on a host Unix socket. QEMU is daemonized with a pid file
 * so a sandbox outlives the engine that started it. With network, the guest gets a TAP device and a
 * /30 of its own behind the host's NAT and firewall ({@link GuestNetworks}): out, yes; to the host, no.
 */
public final class QemuBackend extends ProcessBackedBackend {

    private final PyroPaths paths;
    private final GuestKernels kernels;
    private final boolean kvm;
    private final Progress progress;
    private final GuestNetworks networks = new GuestNetworks();

    /** @param kvm use KVM (only when doctor's boot probe passed), else TCG */
    public QemuBackend(PyroPaths paths, boolean kvm, Progress progress) {
        this.paths = paths;
        this.kernels = new GuestKernels(paths);
        this.kvm = kvm;
        this.progress = progress;
    }

    @Override
    public String name() {
        return "vm";
    }

    @Override
    public String executionMode() {
        return "guest_vm";
    }

    @Override
    public SandboxRecord create(SandboxRequest request) throws IOException, InterruptedException {
        Path qemuImg = HostTools.which("qemu-img").orElseThrow(() -> missing("qemu-img", "qemu-utils"));
        HostTools.which("qemu-system-x86_64").orElseThrow(() -> missing("qemu-system-x86_64", "qemu-system-x86"));
        GuestKernel kernel = kernels.ensureBuilt(progress);
        Path work = request.workDir();
        Files.createDirectories(work);
        Path base = request.install().installDir().resolve(request.install().manifest().artifacts().rootfsImage());
        Path disk = work.resolve("disk.qcow2");
        HostCommand.of(qemuImg.toString(), "create", "-q", "-f", "qcow2", "-F", "raw", "-b", base.toString(),
                disk.toString()).run();
        Path initramfs = Initramfs.ensure(paths.cacheDir());
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("kernel_image", kernel.image().toString());
        metadata.put("kernel_version", kernel.version());
        metadata.put("initramfs", initramfs.toString());
        metadata.put("rootfs_image", disk.toString());
        metadata.put("rootfs_base_image", base.toString());
        metadata.put("accelerator", kvm ? "kvm" : "tcg");
        metadata.put("vcpu_count", Integer.toString(request.vcpuCount()));
        metadata.put("mem_mib", Integer.toString(request.memMib()));
        metadata.put("network_enabled", Boolean.toString(request.network()));
        if (request.network()) {
            networks.allocate(work).writeTo(metadata);
        }
        metadata.put("serial_log_path", work.resolve("serial.log").toString());
        return new SandboxRecord(request.id(), name(), executionMode(), work, work.resolve("agent.sock"), 0, metadata);
    }

    @Override
    public SandboxRecord start(SandboxRecord sandbox, Duration readyTimeout) throws IOException, InterruptedException {
        Path work = sandbox.workDir();
        Files.deleteIfExists(sandbox.agentSocket());
        Path pidFile = work.resolve("qemu.pid");
        Files.deleteIfExists(pidFile);
        GuestNetwork network = GuestNetwork.readFrom(sandbox.metadata());
        if (network != null) {
            networks.up(network);
        }
        HostCommand.Result launched = HostCommand.of(commandLine(sandbox)).runAllowingFailure();
        long pid = SandboxProcesses.readPidFile(pidFile);
        if (launched.exitCode() != 0 || pid == 0) {
            networkDown(sandbox);
            throw PyroException.runtime("QEMU failed to start the VM: " + String.join("\n", launched.tail()), null);
        }
        SandboxRecord started = sandbox.withPid(pid);
        if (!SandboxProcesses.awaitSocket(started.agentSocket(), readyTimeout, () -> isRunning(started))) {
            SandboxProcesses.terminate(pid, work);
            networkDown(sandbox);
            throw PyroException.runtime("the VM did not open its agent channel within " + readyTimeout.toSeconds()
                    + " s; serial log: " + work.resolve("serial.log"), null);
        }
        return started;
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
                networks.down(network);
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
                "pyro.root=/dev/vda", "pyro.agent=/dev/virtio-ports/pyro.agent"));
        if (!kvm) {
            cmdline.add("tsc_early_khz=" + HostCpu.tscKhz());
        }
        if (network != null) {
            cmdline.addAll(network.kernelParameters());
        }
        List<String> argv = new ArrayList<>(List.of("qemu-system-x86_64",
                "-name", "pyro-" + sandbox.id(),
                "-M", "microvm,acpi=off,x-option-roms=off",
                "-accel", kvm ? "kvm" : "tcg", "-cpu", kvm ? "host" : "max",
                "-smp", m.get("vcpu_count"), "-m", m.get("mem_mib"),
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot", "-sandbox", "on",
                "-kernel", m.get("kernel_image"), "-initrd", m.get("initramfs"),
                "-append", String.join(" ", cmdline),
                "-serial", "file:" + work.resolve("serial.log"),
                "-drive", "id=root,file=" + m.get("rootfs_image") + ",format=qcow2,if=none,discard=unmap",
                "-device", "virtio-blk-device,drive=root",
                "-chardev", "socket,id=agent,path=" + sandbox.agentSocket() + ",server=on,wait=off",
                "-device", "virtio-serial-device",
                "-device", "virtserialport,chardev=agent,name=pyro.agent",
                "-pidfile", work.resolve("qemu.pid").toString(),
                "-daemonize"));
        if (network != null) {
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
