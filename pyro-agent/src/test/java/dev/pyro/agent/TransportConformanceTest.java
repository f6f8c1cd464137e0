package dev.pyro.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentProcess;
import dev.pyro.protocol.SpawnRequest;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The --stdio and --connect transports (--listen is covered by the other suites). */
class TransportConformanceTest {
    @TempDir
    Path tmp;

    private static final AgentConnection.Options OPTS = AgentConnection.Options.defaults()
            .withCallTimeout(Duration.ofSeconds(10)).withHello(Duration.ofSeconds(5), 1, false);

    @Test
    void stdioServesOneHostAndResyncsAfterGarbage() throws Exception {
        Path log = tmp.resolve("stdio.log");
        Process agent = new ProcessBuilder(AgentHarness.agentBinary().toString(), "--stdio")
                .redirectError(log.toFile()).start();
        try {
            OutputStream in = agent.getOutputStream();
            in.write(new byte[] {0, 0, 0, 1, 'x', 'y', 'z', 0, 0, 0, 0, 0, 9});   // garbage before hello
            in.flush();
            AgentConnection c = AgentConnection.open(agent.getInputStream(), in, agent::destroy, OPTS);
            assertThat(c.hello().transport()).isEqualTo("stdio");
            assertThat(Proc.sh(c, "echo via stdio").out()).isEqualTo("via stdio\n");
            assertThat(Files.readString(log)).contains("protocol error");
            AgentProcess sleeper = c.processes().spawn(SpawnRequest.of("sleep", "30"));
            long pid = sleeper.pid();
            // end of stdin ends the agent, and with it the processes it started
            in.close();
            assertThat(agent.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(agent.exitValue()).isZero();
            Proc.await(() -> !Proc.alive(pid), Duration.ofSeconds(3), "the sleeper to be killed");
            c.close();
        } finally {
            agent.destroyForcibly();
        }
    }

    @Test
    void connectDialsTheHostAndRedialsAfterADisconnect() throws Exception {
        Path sock = tmp.resolve("host.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            Process agent = new ProcessBuilder(AgentHarness.agentBinary().toString(), "--connect", sock.toString())
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("connect.log").toFile()).start();
            try {
                SocketChannel ch = server.accept();
                AgentConnection c = AgentConnection.open(Channels.newInputStream(ch), Channels.newOutputStream(ch), ch, OPTS);
                assertThat(c.hello().transport()).isEqualTo("connect");
                int id = c.processes().spawn(SpawnRequest.of("sleep", "30")).processId();
                String instance = c.hello().instance();
                c.close();

                SocketChannel ch2 = server.accept();   // the agent dials again
                try (AgentConnection c2 = AgentConnection.open(Channels.newInputStream(ch2), Channels.newOutputStream(ch2), ch2,
                        OPTS)) {
                    assertThat(c2.hello().instance()).isEqualTo(instance);
                    assertThat(c2.processes().listProcesses()).anyMatch(p -> p.processId() == id && p.running());
                    c2.processes().signal(id, "KILL", true);
                }
            } finally {
                agent.destroy();
                agent.waitFor(3, TimeUnit.SECONDS);
            }
        }
    }
}
