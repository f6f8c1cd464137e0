package dev.pyro.engine.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentConnectionException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine never dials what a guest planted where its agent's socket goes (gVisor, issue 17 A3). */
class AgentSocketsTest {

    @Test
    void aSymlinkToAnotherHostSocketIsNeverDialed(@TempDir Path dir) throws Exception {
        Path guest = Files.createDirectories(dir.resolve("sock/g"));
        try (ServerSocketChannel decoy = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            Path decoyPath = dir.resolve("decoy.sock");
            decoy.bind(UnixDomainSocketAddress.of(decoyPath));
            decoy.configureBlocking(false);
            Files.createSymbolicLink(guest.resolve("agent.sock"), decoyPath);

            assertThat(AgentSockets.accepts(guest.resolve("agent.sock"))).isFalse();
            assertThatThrownBy(() -> AgentSockets.connect(guest.resolve("agent.sock"), Duration.ofMillis(200),
                    AgentConnection.Options.defaults()))
                    .isInstanceOf(AgentConnectionException.class).hasMessageContaining("not a socket");
            assertThat(decoy.accept()).as("a connection reached the decoy").isNull();
            assertThat(AgentSockets.isSocket(guest.resolve("agent.sock"))).isFalse();
            assertThat(AgentSockets.present(guest.resolve("agent.sock"))).isTrue();
        }
        assertThat(dir.resolve("sock/e")).isEmptyDirectory(); // no private link is left behind
    }

    @Test
    void aPlantedFileIsNotReadAndARealSocketIsDialedThroughAPrivateLink(@TempDir Path dir) throws Exception {
        Path guest = Files.createDirectories(dir.resolve("sock/g"));
        Files.writeString(guest.resolve("agent.sock"), "{\"workspace_id\":\"planted\"}");
        assertThat(AgentSockets.accepts(guest.resolve("agent.sock"))).isFalse();
        Files.delete(guest.resolve("agent.sock"));
        try (ServerSocketChannel agent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            agent.bind(UnixDomainSocketAddress.of(guest.resolve("agent.sock")));
            assertThat(AgentSockets.isSocket(guest.resolve("agent.sock"))).isTrue();
            assertThat(AgentSockets.accepts(guest.resolve("agent.sock"))).isTrue();
            assertThat(agent.accept()).isNotNull();
        }
        assertThat(dir.resolve("sock/e")).isEmptyDirectory();
    }
}
