package dev.pyro.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.protocol.AgentConnectionTest.FakeAgent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's side of the agent channel against a guest that misbehaves after the handshake: it
 * writes garbage frames, floods, claims huge frames, closes mid-call or drips bytes. The guest is
 * root in its sandbox and may replace the agent, so the host must treat every byte as hostile:
 * each call ends within its timeout with an {@link AgentException}, nothing hangs, and a fresh
 * connection to a good agent works afterwards.
 */
class HostileAgentPeerTest {

    static final Duration CALL = Duration.ofSeconds(2);

    @TempDir
    Path tmp;

    FakeAgent fake;

    @AfterEach
    void stop() throws IOException {
        if (fake != null) fake.close();
    }

    AgentConnection connect() {
        return AgentConnection.connectUnix(fake.path, AgentConnection.Options.defaults()
                .withHello(Duration.ofSeconds(5), 1, false).withCallTimeout(CALL));
    }

    /** A call against the misbehaving peer fails with an agent error, within its timeout plus slack. */
    static void assertFailsPromptly(AgentConnection connection) {
        long start = System.nanoTime();
        assertThatThrownBy(connection::ping).isInstanceOf(AgentException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CALL.plusSeconds(3));
    }

    @Test
    void fuzzedGarbageAfterTheHandshakeNeverHangsTheHost() throws IOException {
        Random random = new Random(8_9);
        int rounds = 200;
        int failedCleanly = 0;
        byte[][] garbage = new byte[1][];
        fake = new FakeAgent(tmp.resolve("a.sock"), (c, j, w, ch) -> w.writeRaw(garbage[0]));
        for (int i = 0; i < rounds; i++) {
            byte[] bytes = new byte[(i % 3 == 0 ? 9 : 1) + random.nextInt(300)];
            random.nextBytes(bytes);
            if (i % 3 == 0) {
                // a plausible header (a length that fits what follows) with a random channel, type and payload
                ByteBuffer.wrap(bytes).putInt(0, bytes.length - 4);
            }
            garbage[0] = bytes;
            try (AgentConnection connection = AgentConnection.connectUnix(fake.path, AgentConnection.Options.defaults()
                    .withHello(Duration.ofSeconds(5), 1, false).withCallTimeout(Duration.ofMillis(300)))) {
                long start = System.nanoTime();
                try {
                    connection.ping();
                    // garbage that happens to parse as a reply on another channel is ignored: still answered by timeout
                } catch (AgentException e) {
                    failedCleanly++;
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CALL.plusSeconds(3));
            }
        }
        System.out.printf("hostile agent peer: %d garbage replies, %d failed cleanly, 0 hangs%n", rounds, failedCleanly);
        assertThat(failedCleanly).isEqualTo(rounds);
        fake.script = (c, j, w, ch) -> w.writeMessage(c, FrameType.MSG, "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        try (AgentConnection good = connect()) {
            assertThat(good.ping()).isPositive();
        }
    }

    @Test
    void aFrameClaimingMoreThanTheMaximumIsRefusedWithoutReadingIt() throws IOException {
        fake = new FakeAgent(tmp.resolve("a.sock"), (c, j, w, ch) -> w.writeRaw(new byte[] {0x7f, -1, -1, -1, 0, 0, 0, 1}));
        try (AgentConnection connection = connect()) {
            assertThatThrownBy(connection::ping).isInstanceOf(AgentConnectionException.class)
                    .hasMessageContaining("agent protocol error");
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @Test
    void aFloodOnOtherChannelsEndsInATimeoutNotInMemory() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        long[] sent = {0};
        fake = new FakeAgent(tmp.resolve("a.sock"), (c, j, w, ch) -> {
            byte[] chunk = new byte[Protocol.MAX_PAYLOAD];
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (!stop.get()) {
                        w.write(c + 1000, FrameType.STDOUT, chunk); // data for a channel nobody opened
                        sent[0] += chunk.length;
                    }
                } catch (IOException e) {
                    // the host closed the connection
                }
            });
        });
        Runtime rt = Runtime.getRuntime();
        long before = rt.totalMemory() - rt.freeMemory();
        try (AgentConnection connection = connect()) {
            assertFailsPromptly(connection);
        } finally {
            stop.set(true);
        }
        System.gc();
        long growth = (rt.totalMemory() - rt.freeMemory()) - before;
        System.out.printf("hostile agent peer: flood of %d MiB ignored, heap growth %d MiB%n", sent[0] >> 20, growth >> 20);
        assertThat(sent[0]).isGreaterThan(1 << 20);
        assertThat(growth).isLessThan(64L << 20);
    }

    @Test
    void aPeerThatClosesMidCallFailsThatCallAndLaterOnes() throws IOException {
        fake = new FakeAgent(tmp.resolve("a.sock"), (c, j, w, ch) -> ch.close());
        try (AgentConnection connection = connect()) {
            assertFailsPromptly(connection);
            assertThat(connection.isOpen()).isFalse();
            assertThatThrownBy(connection::ping).isInstanceOf(AgentException.class);
        }
    }

    @Test
    void aPeerThatDripsOneByteAtATimeIsCutOffByTheCallTimeout() throws IOException {
        fake = new FakeAgent(tmp.resolve("a.sock"), (c, j, w, ch) -> {
            byte[] reply = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            ByteBuffer frame = ByteBuffer.allocate(Protocol.HEADER_SIZE + reply.length);
            frame.putInt(5 + reply.length).putInt(c).put((byte) FrameType.MSG.code()).put(reply).flip();
            try {
                while (frame.hasRemaining()) {
                    ch.write(ByteBuffer.wrap(new byte[] {frame.get()}));
                    Thread.sleep(400);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the host gave up, as it should
            }
        });
        try (AgentConnection connection = connect()) {
            assertFailsPromptly(connection);
        }
    }
}
