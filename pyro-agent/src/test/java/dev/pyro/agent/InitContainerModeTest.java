package dev.pyro.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentProcess;
import dev.pyro.protocol.SpawnRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pyro-init in container mode, run as an ordinary child process (not PID 1: it becomes a
 * subreaper and touches no mounts). VM stages need a kernel and are exercised by boot tests.
 */
class InitContainerModeTest {
    @TempDir
    Path tmp;

    private static final AgentConnection.Options OPTS = AgentConnection.Options.defaults()
            .withCallTimeout(Duration.ofSeconds(10));

    @Test
    void initRunsRestartsAndStopsTheAgent() throws Exception {
        Path sock = tmp.resolve("run/pyro/agent.sock");
        Path ws = tmp.resolve("workspace");
        Path log = tmp.resolve("init.log");
        Process init = new ProcessBuilder(AgentHarness.binaries().init().path().toString(), "--container",
                "--socket", sock.toString(), "--workspace", ws.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long agentPid;
            String instance;
            long sleeperPid;
            try (AgentConnection c = AgentConnection.connectUnix(sock, Duration.ofSeconds(5), OPTS)) {
                assertThat(c.hello().underInit()).isTrue();
                assertThat(c.hello().transport()).isEqualTo("listen");
                assertThat(Files.isDirectory(ws)).isTrue();
                agentPid = c.hello().pid();
                instance = c.hello().instance();
                assertThat(ProcessHandle.of(agentPid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                        .contains(init.pid());
                AgentProcess sleeper = c.processes().spawn(SpawnRequest.of("sleep", "60"));
                sleeperPid = sleeper.pid();
            }
            // the agent dies: init restarts it; the sleeper, orphaned, is adopted by init
            ProcessHandle.of(agentPid).orElseThrow().destroyForcibly();
            Proc.await(() -> {
                try (AgentConnection c = AgentConnection.connectUnix(sock, OPTS)) {
                    return !c.hello().instance().equals(instance);
                } catch (RuntimeException e) {
                    return false;
                }
            }, Duration.ofSeconds(5), "a restarted agent");
            assertThat(Proc.alive(sleeperPid)).isTrue();
            assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("agent killed by signal 9");

            // shutdown: the agent answers, init stops every descendant and exits 0
            try (AgentConnection c = AgentConnection.connectUnix(sock, Duration.ofSeconds(5), OPTS)) {
                c.shutdown();
            }
            assertThat(init.waitFor(10, TimeUnit.SECONDS)).as("init exits; log:\n" + Files.readString(log)).isTrue();
            assertThat(init.exitValue()).isZero();
            assertThat(Proc.exists(sleeperPid)).isFalse();
            assertThat(Files.readString(log)).contains("shutting down (SIGTERM)", "stopped");
        } finally {
            init.destroyForcibly();
        }
    }

    @Test
    void initRefusesToRunOutsidePid1WithoutContainerMode() throws Exception {
        Process p = new ProcessBuilder(AgentHarness.binaries().init().path().toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("not PID 1: use --container");
    }
}
