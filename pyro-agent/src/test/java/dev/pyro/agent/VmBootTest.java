package dev.pyro.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentProcess;
import dev.pyro.protocol.ExitStatus;
import dev.pyro.protocol.SpawnRequest;
import dev.pyro.test.SandboxTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots a real QEMU microvm (TCG) with the initramfs, a guest kernel and an environment image
 * from ~/.cache/pyro, and drives the agent over virtio-serial: both init stages, network
 * config, PTY, files, a reconnect, shutdown. Opt-in (about 5 s): {@code -Dpyro.bootTest=true}.
 */
@EnabledIfSystemProperty(named = "pyro.bootTest", matches = "true")
@SandboxTest
class VmBootTest {
    @TempDir
    Path tmp;

    private static Optional<Path> newest(Path dir, String glob) throws IOException {
        if (!Files.isDirectory(dir)) return Optional.empty();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(d -> !d.getFileName().toString().startsWith("."))
                    .map(d -> d.resolve(glob)).filter(Files::isRegularFile)
                    .max((a, b) -> a.toFile().lastModified() < b.toFile().lastModified() ? -1 : 1);
        }
    }

    private static String sh(AgentConnection c, String script) throws IOException {
        AgentProcess p = c.processes().spawn(SpawnRequest.of("sh", "-c", script));
        ExitStatus st = p.waitFor(Duration.ofSeconds(20));
        assertThat(st.exitCode()).as(script).isZero();
        return new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void bootsServesAndShutsDown() throws Exception {
        String cacheDir = System.getenv("PYRO_CACHE_DIR"); // the cold test run's empty cache, if set
        Path cache = cacheDir == null || cacheDir.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "pyro") : Path.of(cacheDir);
        Optional<Path> kernel = newest(cache.resolve("kernels/linux-x86_64"), "bzImage");
        Optional<Path> rootfs = newest(cache.resolve("environments/linux-x86_64"), "rootfs.ext4");
        assumeTrue(kernel.isPresent() && rootfs.isPresent(), "no guest kernel or environment image in " + cache);
        Path initrd = tmp.resolve("initramfs.cpio");
        Initramfs.write(initrd);
        Path overlay = tmp.resolve("overlay.qcow2");
        assertThat(new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", "-b", rootfs.get().toString(), "-F", "raw",
                overlay.toString()).inheritIO().start().waitFor()).isZero();
        Path sock = tmp.resolve("agent.sock");
        Path console = tmp.resolve("console.log");
        List<String> cmd = List.of("qemu-system-x86_64", "-M", "microvm,acpi=off,x-option-roms=off", "-accel", "tcg",
                "-cpu", "max", "-m", "512", "-smp", "1", "-nodefaults", "-no-user-config", "-display", "none",
                "-no-reboot", "-sandbox", "on", "-serial", "file:" + console,
                "-kernel", kernel.get().toString(), "-initrd", initrd.toString(),
                "-append", "console=ttyS0 loglevel=4 reboot=t panic=-1 pyro.ip=10.0.2.15/24 pyro.gw=10.0.2.2 pyro.dns=10.0.2.3",
                "-drive", "id=root,file=" + overlay + ",format=qcow2,if=none", "-device", "virtio-blk-device,drive=root",
                "-netdev", "user,id=n0,restrict=on", "-device", "virtio-net-device,netdev=n0",
                "-device", "virtio-serial-device", "-device", "virtserialport,chardev=agent,name=pyro.agent",
                "-chardev", "socket,id=agent,path=" + sock + ",server=on,wait=off");
        long t0 = System.nanoTime();
        Process qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("qemu.log").toFile()).start();
        try {
            AgentConnection c = AgentConnection.connectUnix(sock, Duration.ofSeconds(10), AgentConnection.Options.forSerial());
            System.err.printf("VM boot to agent hello: %.2f s%n", (System.nanoTime() - t0) / 1e9);
            assertThat(c.hello().transport()).isEqualTo("serial");
            assertThat(c.hello().underInit()).isTrue();
            assertThat(sh(c, "cat /proc/1/cmdline | tr '\\0' ' '")).isEqualTo("pyro-init --stage2 ");
            assertThat(sh(c, "hostname")).isEqualTo("pyro\n");
            assertThat(sh(c, "cat /etc/resolv.conf")).isEqualTo("nameserver 10.0.2.3\n");
            assertThat(sh(c, "cat /proc/net/route")).contains("eth0\t00000000\t0202000A");
            assertThat(sh(c, "cat /proc/mounts")).contains("/dev/vda / ext4 rw", "devpts /dev/pts devpts", "ptmxmode=666",
                    "tmpfs /run tmpfs", "tmpfs /tmp tmpfs", "cgroup2 /sys/fs/cgroup");
            assertThat(sh(c, "ls /run/pyro/bin; test -d /workspace && echo ws")).isEqualTo("pyro-agent\npyro-init\nws\n");
            AgentProcess pty = c.processes().spawn(SpawnRequest.of("sh", "-c", "tty; stty size").withPty(30, 120));
            pty.waitFor(Duration.ofSeconds(10));
            assertThat(new String(pty.stdout().readAllBytes(), StandardCharsets.UTF_8)).contains("/dev/pts/", "30 120");
            c.files().write("/workspace/hello.txt", "from the host".getBytes(StandardCharsets.UTF_8));
            assertThat(sh(c, "cat /workspace/hello.txt")).isEqualTo("from the host");

            int id = c.processes().spawn(SpawnRequest.of("sleep", "60")).processId();
            String instance = c.hello().instance();
            c.close();
            try (AgentConnection c2 = AgentConnection.connectUnix(sock, Duration.ofSeconds(10), AgentConnection.Options.forSerial())) {
                assertThat(c2.hello().instance()).isEqualTo(instance);
                assertThat(c2.processes().listProcesses()).anyMatch(p -> p.processId() == id && p.running());
                c2.shutdown();
            }
            assertThat(qemu.waitFor(30, TimeUnit.SECONDS)).as("QEMU exits after shutdown").isTrue();
            assertThat(qemu.exitValue()).isZero();
            assertThat(Files.readString(console)).contains("pyro-init: rebooting (the VM exits)");
        } finally {
            qemu.destroyForcibly();
        }
    }
}
