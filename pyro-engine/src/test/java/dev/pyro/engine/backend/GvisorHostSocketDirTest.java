package dev.pyro.engine.backend;

import dev.pyro.api.OutputListener;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import dev.pyro.api.workspace.WorkspaceExecResult;
import dev.pyro.engine.workspace.WorkspaceManager;
import dev.pyro.api.workspace.WorkspaceRequest;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code /run/pyro-host} in a gVisor guest (issue 17 A3): the one host directory the guest can
 * write, where its agent creates the socket the engine dials. It used to be a plain bind of a host
 * dir: a guest wrote 300 MiB there and planted symlinks. Now it is a tiny tmpfs: the guest cannot
 * store more than 1 MiB on the host through it (its console included), and what it plants in place of the socket (a
 * symlink to another host socket, a regular file) is never dialed or read; the agent still
 * reconnects after its guest kills it and after the engine restarts.
 */
class GvisorHostSocketDirTest {

    static final String KILL_AGENT = "for p in /proc/[0-9]*; do case \"$(tr '\\0' ' ' < $p/cmdline 2>/dev/null)\" in "
            + "'pyro-agent --'*) kill -9 ${p#/proc/};; esac; done; sleep 5";

    @Test
    void theGuestCanNeitherFillTheHostNorPointTheEngineElsewhere() throws Exception {
        RealSandboxes.assumeBackendWorks("gvisor");
        Path state = Files.createTempDirectory("pyro-host-dir-");
        WorkspaceManager manager = new WorkspaceManager(RealSandboxes.paths(state), 4, () -> 0);
        Path decoy = state.resolve("decoy.sock");
        AtomicInteger decoyDials = new AtomicInteger();
        try (ServerSocketChannel decoyServer = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            decoyServer.bind(UnixDomainSocketAddress.of(decoy));
            Thread.ofVirtual().start(() -> {
                while (decoyServer.isOpen()) {
                    try (SocketChannel ignored = decoyServer.accept()) {
                        decoyDials.incrementAndGet();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            String id = manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("gvisor", false),
                    Progress.NONE).workspaceId();
            Path runtime = state.resolve("workspaces").resolve(id).resolve("runtime");
            Path hostDir = runtime.resolve("sock/g");
            assertThat(hostDir.resolve("agent.sock")).exists();

            // 1. Filling it: 300 MiB asked, at most 1 MiB kept; many files: a few dozen inodes at most.
            WorkspaceExecResult fill = exec(manager, id, "dd if=/dev/zero of=/run/pyro-host/fill bs=1M count=300 2>&1;"
                    + " i=0; while [ $i -lt 200 ] && ln -s /etc/shadow /run/pyro-host/l$i 2>/dev/null; do i=$((i+1)); done;"
                    + " echo links=$i");
            assertThat(fill.stdout()).contains("No space left on device").containsPattern("links=[0-9]\\b|links=[1-3][0-9]\\b");
            // The console (runsc's stdout, open in the guest as /proc/1/fd/1) is bounded the same way.
            WorkspaceExecResult flood = exec(manager, id, "head -c 300M /dev/zero > /proc/1/fd/1; echo rc=$?");
            assertThat(flood.stdout()).doesNotContain("rc=0");
            long hostBytes = Files.getFileStore(hostDir).getTotalSpace();
            long used = Long.parseLong(dev.pyro.engine.process.HostCommand.of("du", "-sk", runtime.resolve("sock").toString())
                    .runAllowingFailure().lines().get(0).split("\\s+")[0]);
            System.out.printf("host socket dir: 300 MiB asked, %d KiB kept (tmpfs of %d KiB); %s%n", used,
                    hostBytes >> 10, fill.stdout().lines().reduce((a, b) -> b).orElse(""));
            assertThat(hostBytes).isLessThanOrEqualTo(1 << 20);
            assertThat(used).isLessThanOrEqualTo(1024);
            // The full dir does not stop the engine from reaching the agent.
            assertThat(exec(manager, id, "rm -f /run/pyro-host/fill /run/pyro-host/l*; echo ok").stdout()).isEqualTo("ok\n");

            // 2. The socket swapped for a symlink to another host socket, then a regular file (with a
            //    planted record beside it), each time with the agent killed so that the engine dials again.
            for (String plant : new String[] {"ln -s " + decoy + " /run/pyro-host/agent.sock",
                    "echo '{\"workspace_id\":\"planted\",\"backend\":\"host\"}' > /run/pyro-host/agent.sock;"
                            + " cp /run/pyro-host/agent.sock /run/pyro-host/workspace.json"}) {
                String error;
                try {
                    exec(manager, id, "rm -f /run/pyro-host/agent.sock; " + plant + "; " + KILL_AGENT);
                    error = "(none)";
                } catch (RuntimeException e) {
                    error = e.getMessage();
                }
                assertThat(error).contains("agent");
                assertThat(exec(manager, id, "echo again").stdout()).isEqualTo("again\n");
                assertThat(decoyDials.get()).as("dials of the host socket the guest pointed at").isZero();
            }
            assertThat(manager.list().workspaces()).extracting(w -> w.workspaceId()).containsExactly(id);

            // 3. An engine restart: a new manager finds the agent through the same checked path.
            manager.close();
            manager = new WorkspaceManager(RealSandboxes.paths(state), 4, () -> 0);
            assertThat(exec(manager, id, "echo after-restart").stdout()).isEqualTo("after-restart\n");

            // 4. Stop takes the tmpfs, and what the guest left there, away; start mounts a fresh one.
            assertThat(exec(manager, id, "echo left > /run/pyro-host/left; echo ok").stdout()).isEqualTo("ok\n");
            manager.stop(id);
            assertThat(Files.readString(Path.of("/proc/mounts"))).doesNotContain(runtime.resolve("sock").toString());
            assertThat(Files.size(runtime.resolve("console.log"))).as("console tail kept at stop").isBetween(1L, 256L << 10);
            manager.start(id);
            assertThat(exec(manager, id, "ls /run/pyro-host").stdout()).isEqualTo("agent.sock\n");
            assertThat(decoyDials.get()).isZero();
            manager.delete(id);
            assertThat(Files.readString(Path.of("/proc/mounts"))).doesNotContain(state.toString());
        } finally {
            WorkspaceManager last = manager;
            last.list().workspaces().forEach(w -> last.delete(w.workspaceId()));
            last.close();
            FileTrees.deleteRecursively(state);
        }
    }

    @Test
    void theAgentBinariesStayReadOnlyEvenAfterARemount() throws Exception {
        // The OCI spec's "ro" alone did not hold: the guest remounted it rw and wrote the host's agent cache.
        RealSandboxes.assumeBackendWorks("gvisor");
        Path state = Files.createTempDirectory("pyro-host-bin-");
        WorkspaceManager manager = new WorkspaceManager(RealSandboxes.paths(state), 4, () -> 0);
        try {
            String id = manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("gvisor", false),
                    Progress.NONE).workspaceId();
            WorkspaceExecResult tamper = exec(manager, id, "mount -o remount,rw /run/pyro/bin 2>&1;"
                    + " echo tampered >> /run/pyro/bin/pyro-agent 2>&1; echo rc=$?;"
                    + " touch /run/pyro/bin/planted 2>&1; echo rc=$?");
            assertThat(tamper.stdout()).doesNotContain("rc=0").contains("Read-only file system");
            assertThat(exec(manager, id, "test -e /run/pyro/bin/planted || echo absent").stdout()).isEqualTo("absent\n");
            try (var files = Files.walk(RealSandboxes.paths(state).cacheDir().resolve("agent"))) {
                assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("planted");
            }
            // The binary is intact: a restarted agent (init starts it again from there) still answers.
            try {
                exec(manager, id, GvisorHostSocketDirTest.KILL_AGENT);
            } catch (RuntimeException expected) {
                // the exec's own agent died
            }
            long deadline = System.currentTimeMillis() + 40_000;
            while (true) {
                try {
                    assertThat(exec(manager, id, "echo again").stdout()).isEqualTo("again\n");
                    break;
                } catch (RuntimeException e) {
                    if (System.currentTimeMillis() > deadline) {
                        System.out.println(Files.readString(state.resolve("workspaces").resolve(id)
                                .resolve("runtime/console.log")));
                        throw e;
                    }
                    Thread.sleep(300);
                }
            }
        } finally {
            manager.list().workspaces().forEach(w -> manager.delete(w.workspaceId()));
            manager.close();
            FileTrees.deleteRecursively(state);
        }
    }

    /** A sandbox made before this layout (a plain {@code host} dir bound in) moves to it at its next start. */
    @Test
    void anOldSandboxMovesToTheBoundedLayoutAtItsNextStart() throws Exception {
        RealSandboxes.assumeBackendWorks("gvisor");
        Path state = Files.createTempDirectory("pyro-host-old-");
        dev.pyro.engine.config.PyroPaths paths = RealSandboxes.paths(state);
        SandboxBackend backend = new BackendSelector(paths).select("gvisor", false, true, Progress.NONE).backend();
        SandboxRecord created = backend.create(new SandboxRequest("0123456789ab",
                dev.pyro.engine.environment.EnvironmentCatalog.get(RealSandboxes.ENVIRONMENT),
                RealSandboxes.environment(paths), 1, 256, false, state.resolve("sandbox")));
        Path work = created.workDir();
        // What create wrote before: the guest's socket dir is the plain dir "host", the socket in it.
        Path config = work.resolve("bundle/config.json");
        Files.writeString(config, Files.readString(config).replace(work.resolve("sock/g").toString(),
                work.resolve("host").toString()));
        Files.createDirectories(work.resolve("host"));
        Files.writeString(work.resolve("host/junk"), "left by the guest");
        SandboxRecord old = new SandboxRecord(created.id(), created.backend(), created.executionMode(), work,
                work.resolve("host/agent.sock"), 0, created.metadata());
        SandboxRecord started = backend.start(old, java.time.Duration.ofSeconds(90));
        try {
            assertThat(started.agentSocket()).isEqualTo(work.resolve("sock/g/agent.sock"));
            assertThat(Files.readString(config)).doesNotContain(work.resolve("host").toString());
            assertThat(work.resolve("host")).doesNotExist();
            try (dev.pyro.protocol.AgentConnection agent = AgentSockets.connect(started.agentSocket(),
                    java.time.Duration.ofSeconds(10), dev.pyro.protocol.AgentConnection.Options.defaults())) {
                assertThat(dev.pyro.engine.guest.GuestExec.run(agent, "ls /run/pyro-host", "/", java.util.Map.of(), 30,
                        OutputListener.NONE).stdout()).isEqualTo("agent.sock\n");
            }
        } finally {
            backend.delete(started);
            FileTrees.deleteRecursively(state);
        }
    }

    static WorkspaceExecResult exec(WorkspaceManager manager, String id, String command) {
        return manager.exec(id, command, 60, OutputListener.NONE);
    }
}
