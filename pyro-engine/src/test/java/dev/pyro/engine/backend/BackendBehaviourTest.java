package dev.pyro.engine.backend;

import dev.pyro.api.OutputListener;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.environment.EnvironmentCatalog;
import dev.pyro.engine.environment.InstallState;
import dev.pyro.engine.guest.ExecOutcome;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import dev.pyro.protocol.AgentConnection;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The behaviour every backend must have, against one real sandbox per backend: exit codes, timeouts
 * that kill the process group, env and cwd, output caps, the sandbox's size, and (for isolating
 * backends) no network by default and no view of host files or processes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BackendBehaviourTest {

    static final int VCPUS = 2;
    static final int MEM_MIB = 512;

    abstract String backendName();

    boolean isolating() {
        return true;
    }

    Path state;
    SandboxBackend backend;
    SandboxRecord sandbox;
    AgentConnection agent;
    String cwd;

    @BeforeAll
    void boot() throws Exception {
        RealSandboxes.assumeBackendWorks(backendName());
        state = Files.createTempDirectory("pyro-behaviour-");
        PyroPaths paths = RealSandboxes.paths(state);
        InstallState install = RealSandboxes.environment(paths);
        backend = new BackendSelector(paths).select(backendName(), false, true, Progress.NONE).backend();
        String id = UUID.randomUUID().toString().substring(0, 12).replace("-", "");
        SandboxRecord created = backend.create(new SandboxRequest(id,
                EnvironmentCatalog.get(RealSandboxes.ENVIRONMENT), install, VCPUS, MEM_MIB, false,
                state.resolve("sandbox")));
        sandbox = backend.start(created, Duration.ofSeconds(90));
        AgentConnection.Options options = "vm".equals(backendName())
                ? AgentConnection.Options.forSerial().withHello(Duration.ofSeconds(2), 30, true)
                : AgentConnection.Options.defaults();
        agent = AgentConnection.connectUnix(sandbox.agentSocket(), Duration.ofSeconds(10), options);
        cwd = "host".equals(backendName()) ? sandbox.metadata().get("host_dir") : "/workspace";
    }

    @AfterAll
    void tearDown() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (sandbox != null) {
            backend.delete(sandbox);
            assertThat(backend.isRunning(sandbox)).isFalse();
            assertThat(sandbox.workDir()).doesNotExist();
        }
        if (state != null) {
            FileTrees.deleteRecursively(state);
        }
    }

    ExecOutcome sh(String command) {
        return sh(command, 30, Map.of());
    }

    ExecOutcome sh(String command, int timeoutSeconds, Map<String, String> env) {
        return GuestExec.run(agent, command, cwd, env, timeoutSeconds, OutputListener.NONE);
    }

    @Test
    void exitCodesAndStreamsComeBackSeparately() {
        ExecOutcome ok = sh("echo out; echo err >&2");
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.stdout()).isEqualTo("out\n");
        assertThat(ok.stderr()).isEqualTo("err\n");
        assertThat(sh("exit 7").exitCode()).isEqualTo(7);
        assertThat(sh("kill -TERM $$").exitCode()).isEqualTo(128 + 15);
        assertThat(sh("no-such-command-xyz").exitCode()).isEqualTo(127);
    }

    @Test
    void envAndCwdReachTheCommand() {
        ExecOutcome outcome = GuestExec.run(agent, "echo \"$GREETING\"; pwd", "/tmp", Map.of("GREETING", "hi there"),
                30, OutputListener.NONE);
        assertThat(outcome.stdout()).isEqualTo("hi there\n/tmp\n");
        assertThat(sh("pwd").stdout().trim()).isEqualTo(cwd);
    }

    @Test
    void aTimeoutKillsTheWholeProcessGroup() {
        String marker = "pyro-timeout-" + UUID.randomUUID().toString().substring(0, 8);
        ExecOutcome outcome = sh("sh -c 'sleep 300; : " + marker + "' & sh -c 'sleep 301; : " + marker + "'", 2, Map.of());
        assertThat(outcome.exitCode()).isEqualTo(124);
        assertThat(outcome.stdout()).isEmpty();
        assertThat(outcome.stderr()).isEqualTo("command timed out after 2s");
        assertThat(outcome.timedOut()).isTrue();
        // the background child and the foreground one are both gone
        ExecOutcome ps = sh("ps -eo args | grep -c '[p]yro-timeout' || true");
        assertThat(ps.stdout().trim()).isEqualTo("0");
    }

    @Test
    void floodingOutputIsCappedWithAMarker() {
        ExecOutcome outcome = sh("head -c 3000000 /dev/zero | tr '\\0' a; echo done >&2");
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.truncated()).isTrue();
        assertThat(outcome.stdout()).startsWith("aaaa")
                .contains("[pyro: output truncated: kept " + GuestExec.OUTPUT_LIMIT_BYTES + " of 3000000 bytes]");
        assertThat(outcome.stdout().length()).isLessThan(GuestExec.OUTPUT_LIMIT_BYTES + 200);
        assertThat(outcome.stderr()).isEqualTo("done\n");
    }

    /**
     * Beyond the agent's limit (4 MiB for both streams) nothing more arrives: the marker still gives
     * the true total, and whoever streamed the output is told it stopped.
     */
    @Test
    void outputBeyondTheAgentLimitIsCountedAndTheStreamSaysItStopped() {
        java.io.ByteArrayOutputStream streamed = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream notes = new java.io.ByteArrayOutputStream();
        ExecOutcome outcome = GuestExec.run(agent, "head -c 6000000 /dev/zero | tr '\\0' a", cwd, Map.of(), 60,
                new OutputListener() {
                    @Override
                    public void stdout(byte[] data) {
                        streamed.writeBytes(data);
                    }

                    @Override
                    public void stderr(byte[] data) {
                        notes.writeBytes(data);
                    }
                });
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.stdout()).contains("[pyro: output truncated: kept " + GuestExec.OUTPUT_LIMIT_BYTES
                + " of 6000000 bytes]");
        assertThat(streamed.size()).isEqualTo(4 * GuestExec.OUTPUT_LIMIT_BYTES);
        assertThat(notes.toString()).isEqualTo("[pyro: live output stopped after " + 4 * GuestExec.OUTPUT_LIMIT_BYTES
                + " bytes; the command wrote 6000000 bytes to stdout and 0 to stderr]\n");
        assertThat(outcome.stderr()).isEmpty();
    }

    @Test
    void theSandboxHasTheRequestedSize() {
        if (!isolating()) {
            return; // the host has its own size
        }
        assertThat(sh("nproc").stdout().trim()).isEqualTo(Integer.toString(VCPUS));
        long memKb = Long.parseLong(sh("awk '/MemTotal/ {print $2}' /proc/meminfo").stdout().trim());
        assertThat(memKb).isBetween(MEM_MIB * 1024L * 7 / 10, MEM_MIB * 1024L);
    }

    @Test
    void withoutNetworkTheGuestCannotReachTheHost() throws Exception {
        if (!isolating()) {
            return;
        }
        InetAddress hostAddress = hostAddress();
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(hostAddress, 0));
            String target = hostAddress.getHostAddress() + "/" + server.getLocalPort();
            // The same probe succeeds from the host: the guest's failure is the sandbox's doing.
            ExecOutcome outcome = sh("timeout 5 bash -c 'exec 3<>/dev/tcp/" + target + "' && echo reached || echo blocked");
            assertThat(outcome.stdout()).isEqualTo("blocked\n");
            assertThat(sh("cat /proc/net/route | wc -l").stdout().trim()).isIn("0", "1");
        }
    }

    /**
     * Agents run {@code ls -la} all the time; bookworm's runsc failed statx with EINVAL (issue 17 B).
     * runsc 0.0~20240729 still answers the ACL xattr query {@code ls -l} makes on a symlink of a
     * host-backed file with EBADF: ls prints {@code ls: PATH: Bad file descriptor} for those symlinks
     * (exit 0, the listing complete); only that line is tolerated, and only for symlinks.
     */
    @Test
    void lsStatAndFindNewerWork() {
        if (!isolating()) {
            return; // the host backend lists the host's own /etc, whose owners and links are not the image's
        }
        ExecOutcome ls = sh("ls -la /etc");
        assertThat(ls.exitCode()).as(ls.stderr()).isZero();
        assertThat(ls.stdout()).containsPattern("(?m)^-rw-r--r-- +1 root root +\\d+ .* passwd$")
                .containsPattern("(?m)^lrwxrwxrwx +1 root root +\\d+ .* os-release -> \\.\\./usr/lib/os-release$");
        for (String line : ls.stderr().lines().toList()) {
            assertThat(line).matches("ls: /etc/[^ ]+: Bad file descriptor");
            String path = line.substring(4, line.lastIndexOf(':'));
            assertThat(sh("test -L " + path).exitCode()).as(path + " is a symlink").isZero();
        }
        ExecOutcome stat = sh("stat -c '%n %s %U %a %F' /etc/passwd; stat /etc/passwd >/dev/null");
        assertThat(stat.stderr()).isEmpty();
        assertThat(stat.exitCode()).isZero();
        assertThat(stat.stdout()).matches("/etc/passwd [1-9]\\d* root 644 regular file\n");
        // find -newer compares the stat times of real files; a fresh file is newer than the image's hostname.
        ExecOutcome find = sh("mkdir -p /tmp/newer && echo x > /tmp/newer/fresh && touch -d '2000-01-01' /tmp/newer/old"
                + " && find /tmp/newer -newer /etc/hostname -type f");
        assertThat(find.stderr()).isEmpty();
        assertThat(find.exitCode()).isZero();
        assertThat(find.stdout()).isEqualTo("/tmp/newer/fresh\n");
    }

    @Test
    void theGuestSeesNeitherHostFilesNorHostProcesses() throws Exception {
        if (!isolating()) {
            return;
        }
        String marker = "pyro-isolation-" + UUID.randomUUID().toString().substring(0, 8);
        Path hostFile = Files.writeString(Files.createTempDirectory("pyro-iso").resolve(marker), "secret");
        Process hostProcess = new ProcessBuilder("sh", "-c", "sleep 120; : " + marker).start();
        try {
            assertThat(sh("test -e " + hostFile + " && echo visible || echo hidden").stdout()).isEqualTo("hidden\n");
            assertThat(sh("ls /proc | grep -c '^" + hostProcess.pid() + "$' || true").stdout().trim())
                    .isEqualTo(ProcessHandle.current().pid() == hostProcess.pid() ? "1" : "0");
            assertThat(sh("ps -eo args | grep -c '[p]yro-isolation' || true").stdout().trim()).isEqualTo("0");
            assertThat(sh("hostname").stdout().trim()).isEqualTo("pyro");
        } finally {
            hostProcess.destroyForcibly();
            FileTrees.deleteRecursively(hostFile.getParent());
        }
    }

    /** An address of this machine other than loopback (traffic stays on this machine). */
    static InetAddress hostAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        return address;
                    }
                }
            }
        }
        return InetAddress.getLoopbackAddress();
    }
}
