package dev.pyro.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentException;
import dev.pyro.protocol.AgentProcess;
import dev.pyro.protocol.ExitStatus;
import dev.pyro.protocol.ProcessInfo;
import dev.pyro.protocol.SpawnRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Processes outlive host connections; a new connection lists, attaches to and signals them. */
class ReconnectConformanceTest {
    @RealAgent
    static AgentHarness agent;

    private static ProcessInfo find(AgentConnection c, int id) {
        return c.processes().listProcesses().stream().filter(p -> p.processId() == id).findFirst().orElse(null);
    }

    @Test
    void aProcessSurvivesADisconnectAndCanBeAttachedAndSignalled() {
        AgentConnection first = agent.connect();
        String instance = first.hello().instance();
        AgentProcess p = first.processes().spawn(SpawnRequest.of("sh", "-c", "while :; do echo tick; sleep 0.05; done"));
        int id = p.processId();
        long pid = p.pid();
        first.close();
        assertThat(p.exit()).failsWithin(Duration.ofSeconds(2));   // the handle dies with its connection

        try (AgentConnection second = agent.connect()) {
            assertThat(second.hello().instance()).as("same agent process").isEqualTo(instance);
            ProcessInfo info = find(second, id);
            assertThat(info).isNotNull();
            assertThat(info.running()).isTrue();
            assertThat(info.attached()).isFalse();
            assertThat(info.pid()).isEqualTo(pid);
            assertThat(Proc.alive(pid)).isTrue();

            Proc.Collector out = new Proc.Collector();
            AgentProcess again = second.processes().attach(id, out, Duration.ofSeconds(5));
            assertThat(again.pid()).isEqualTo(pid);
            Proc.await(() -> out.out().contains("tick\n"), Duration.ofSeconds(3), "output after re-attaching");
            assertThat(find(second, id).attached()).isTrue();
            again.signal("TERM");
            ExitStatus st = again.waitFor(Duration.ofSeconds(5));
            assertThat(st.signalName()).isEqualTo("TERM");
            assertThat(find(second, id)).isNull();
        }
    }

    @Test
    void anExitWhileDisconnectedIsKeptUntilCollected() {
        int id;
        try (AgentConnection first = agent.connect()) {
            id = first.processes().spawn(SpawnRequest.of("sh", "-c", "sleep 0.2; echo lost-output; exit 7")).processId();
        }
        Proc.await(() -> {
            try (AgentConnection c = agent.connect()) {
                ProcessInfo i = find(c, id);
                return i != null && !i.running();
            }
        }, Duration.ofSeconds(5), "the process to exit while nobody is attached");
        try (AgentConnection c = agent.connect()) {
            ProcessInfo info = find(c, id);
            assertThat(info.exitCode()).isEqualTo(7);
            assertThat(info.running()).isFalse();
            AgentProcess p = c.processes().attach(id);
            ExitStatus st = p.waitFor(Duration.ofSeconds(2));
            assertThat(st.exitCode()).isEqualTo(7);
            assertThat(st.stdoutBytes()).as("counted even though nobody received it").isEqualTo(12);
            assertThat(find(c, id)).as("collected").isNull();
            assertThatThrownBy(() -> c.processes().attach(id)).isInstanceOfSatisfying(AgentException.class,
                    e -> assertThat(e.code()).isEqualTo("no_such_process"));
        }
    }

    @Test
    void aNewConnectionSupersedesTheOldOne() {
        AgentConnection a = agent.connect();
        AgentConnection b = agent.connect();
        assertThat(a.closedFuture()).succeedsWithin(Duration.ofSeconds(3));
        assertThat(a.isOpen()).isFalse();
        assertThat(b.ping()).isPositive();
        assertThatThrownBy(a::ping).isInstanceOf(AgentException.class);
        b.close();
    }

    @Test
    void attachingOnAnotherChannelDetachesTheFirstHandle() {
        try (AgentConnection c = agent.connect()) {
            AgentProcess first = c.processes().spawn(SpawnRequest.of("sleep", "30"));
            AgentProcess second = c.processes().attach(first.processId());
            assertThat(first.exit()).failsWithin(Duration.ofSeconds(3))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withMessageContaining("was attached by another channel");
            second.signal("KILL");
            assertThat(second.waitFor(Duration.ofSeconds(5)).signal()).isEqualTo(9);
        }
    }

    @Test
    void stdinWorksAfterReattaching() throws Exception {
        int id;
        try (AgentConnection first = agent.connect()) {
            id = first.processes().spawn(SpawnRequest.of("cat").withStdin(true)).processId();
        }
        try (AgentConnection c = agent.connect()) {
            AgentProcess p = c.processes().attach(id);
            p.writeStdin("after reconnect\n");
            p.closeStdin();
            assertThat(new String(p.stdout().readAllBytes())).isEqualTo("after reconnect\n");
            assertThat(p.waitFor(Duration.ofSeconds(5)).exitCode()).isZero();
        }
    }
}
