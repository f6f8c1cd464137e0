package dev.pyro.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The client against a scripted fake agent on a Unix socket. */
class AgentConnectionTest {
    @TempDir
    Path tmp;

    private FakeAgent fake;

    @AfterEach
    void stop() throws IOException {
        if (fake != null) fake.close();
    }

    /** Answers frames with a script; hello is answered (echoing the nonce) unless overridden. */
    static final class FakeAgent implements AutoCloseable {
        interface Script {
            void onRequest(int channel, JsonNode req, FrameWriter w, SocketChannel ch) throws IOException;
        }

        final ServerSocketChannel server;
        final Path path;
        final Thread thread;
        volatile Script script;
        volatile byte[] beforeHello = new byte[0];
        volatile String helloOverride;
        final List<SocketChannel> clients = new CopyOnWriteArrayList<>();

        FakeAgent(Path path, Script script) throws IOException {
            this.path = path;
            this.script = script;
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            thread = Thread.ofPlatform().daemon().start(this::serve);
        }

        private void serve() {
            try {
                while (true) {
                    SocketChannel ch = server.accept();
                    clients.add(ch);
                    FrameReader r = new FrameReader(Channels.newInputStream(ch));
                    FrameWriter w = new FrameWriter(Channels.newOutputStream(ch));
                    try {
                        Frame f;
                        while ((f = r.read()) != null) {
                            JsonNode j = Json.MAPPER.readTree(f.payload());
                            if (f.type() == FrameType.HELLO) {
                                w.writeRaw(beforeHello);
                                String body = helloOverride != null ? helloOverride.replace("NONCE", j.path("nonce").asString())
                                        : "{\"ok\":true,\"protocol\":1,\"agent_version\":\"fake\",\"nonce\":\""
                                        + j.path("nonce").asString() + "\"}";
                                w.write(0, FrameType.HELLO, body.getBytes(StandardCharsets.UTF_8));
                            } else if (f.type() == FrameType.MSG) {
                                script.onRequest(f.channel(), j, w, ch);
                            }
                        }
                    } catch (IOException e) {
                        // client gone
                    }
                }
            } catch (IOException e) {
                // server closed
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (SocketChannel c : clients) c.close();
        }
    }

    private static void reply(FrameWriter w, int channel, String json) throws IOException {
        w.writeMessage(channel, FrameType.MSG, json.getBytes(StandardCharsets.UTF_8));
    }

    private AgentConnection connect() {
        return AgentConnection.connectUnix(fake.path, AgentConnection.Options.defaults().withHello(Duration.ofSeconds(5), 1, false));
    }

    @Test
    void helloSkipsStaleBytesAndForeignHellos() throws IOException {
        fake = new FakeAgent(tmp.resolve("a.sock"), (c, j, w, ch) -> reply(w, c, "{\"ok\":true}"));
        ByteArrayOutputStreamEx stale = new ByteArrayOutputStreamEx();
        stale.writeBytes("\u0000\u0000\u0001junk".getBytes(StandardCharsets.UTF_8));
        new FrameWriter(stale).write(0, FrameType.HELLO, "{\"ok\":true,\"nonce\":\"someone-else\"}".getBytes(StandardCharsets.UTF_8));
        new FrameWriter(stale).write(4, FrameType.STDOUT, "old output".getBytes(StandardCharsets.UTF_8));
        fake.beforeHello = stale.toByteArray();
        try (AgentConnection c = connect()) {
            assertThat(c.hello().agentVersion()).isEqualTo("fake");
            assertThat(c.hello().protocol()).isEqualTo(1);
            assertThat(c.ping()).isPositive();
        }
    }

    static final class ByteArrayOutputStreamEx extends java.io.ByteArrayOutputStream {}

    @Test
    void concurrentCallsAreMatchedToTheirChannels() throws Exception {
        List<Object[]> pending = new ArrayList<>();
        int n = 40;
        fake = new FakeAgent(tmp.resolve("a.sock"), (c, j, w, ch) -> {
            synchronized (pending) {
                pending.add(new Object[] {c, j.path("path").asString()});
                if (pending.size() == n) {
                    for (int i = pending.size() - 1; i >= 0; i--) {   // answer in reverse order
                        String p = (String) pending.get(i)[1];
                        int size = Integer.parseInt(p.substring(p.lastIndexOf('/') + 1));
                        reply(w, (Integer) pending.get(i)[0], "{\"ok\":true,\"type\":\"file\",\"size\":" + size + "}");
                    }
                }
            }
        });
        try (AgentConnection c = connect(); ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Long>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                results.add(ex.submit(() -> c.files().stat("/f/" + k).size()));
            }
            for (int i = 0; i < n; i++) assertThat(results.get(i).get()).isEqualTo(i);
        }
    }

    @Test
    void timeoutKeepsTheConnectionUsable() throws IOException {
        fake = new FakeAgent(tmp.resolve("a.sock"), (c, j, w, ch) -> {
            if (!"/slow".equals(j.path("path").asString())) reply(w, c, "{\"ok\":true,\"type\":\"dir\"}");
        });
        try (AgentConnection c = connect()) {
            assertThatThrownBy(() -> c.files().stat("/slow", false, Duration.ofMillis(200)))
                    .isInstanceOf(AgentTimeoutException.class)
                    .hasMessage("the agent did not answer stat within 200ms");
            assertThat(c.files().stat("/fast").isDirectory()).isTrue();
            assertThat(c.isOpen()).isTrue();
        }
    }

    @Test
    void agentErrorsBecomeAgentExceptions() throws IOException {
        fake = new FakeAgent(tmp.resolve("a.sock"), (c, j, w, ch) -> reply(w, c,
                "{\"ok\":false,\"error\":{\"code\":\"EACCES\",\"errno\":13,\"message\":\"read '/x': Permission denied\"}}"));
        try (AgentConnection c = connect()) {
            assertThatThrownBy(() -> c.files().read("/x", 0, 10))
                    .isInstanceOfSatisfying(AgentException.class, e -> {
                        assertThat(e.code()).isEqualTo("EACCES");
                        assertThat(e.errno()).isEqualTo(13);
                    })
                    .hasMessage("read '/x': Permission denied");
        }
    }

    @Test
    void lostConnectionFailsPendingAndLaterCalls() throws IOException {
        fake = new FakeAgent(tmp.resolve("a.sock"), (c, j, w, ch) -> ch.close());
        try (AgentConnection c = connect()) {
            assertThatThrownBy(() -> c.files().stat("/x")).isInstanceOf(AgentConnectionException.class)
                    .hasMessageContaining("closed the connection");
            assertThat(c.closedFuture()).succeedsWithin(Duration.ofSeconds(2));
            assertThat(c.isOpen()).isFalse();
            assertThatThrownBy(c::ping).isInstanceOf(AgentConnectionException.class)
                    .extracting(e -> ((AgentException) e).code()).isEqualTo("connection_closed");
        }
    }

    @Test
    void largeResponsesArriveInParts() throws IOException {
        StringBuilder sb = new StringBuilder("{\"ok\":true,\"entries\":[");
        for (int i = 0; i < 5000; i++) {
            if (i > 0) sb.append(',');
            sb.append("{\"name\":\"file-").append(i).append("\",\"type\":\"file\",\"size\":").append(i).append('}');
        }
        sb.append("],\"truncated\":false}");
        String body = sb.toString();
        assertThat(body.length()).isGreaterThan(3 * Protocol.MAX_PAYLOAD);
        fake = new FakeAgent(tmp.resolve("a.sock"), (c, j, w, ch) -> reply(w, c, body));
        try (AgentConnection c = connect()) {
            DirListing l = c.files().list("/d");
            assertThat(l.entries()).hasSize(5000);
            assertThat(l.entries().get(4999).name()).isEqualTo("file-4999");
        }
    }

    @Test
    void unsupportedProtocolIsReported() throws IOException {
        fake = new FakeAgent(tmp.resolve("a.sock"), (c, j, w, ch) -> {});
        fake.helloOverride = "{\"ok\":false,\"nonce\":\"NONCE\",\"protocol\":2,\"error\":{\"code\":\"unsupported_protocol\","
                + "\"message\":\"unsupported protocol version 1 (agent speaks 2)\"}}";
        assertThatThrownBy(this::connect).isInstanceOf(AgentException.class)
                .hasMessage("unsupported protocol version 1 (agent speaks 2)")
                .extracting(e -> ((AgentException) e).code()).isEqualTo("unsupported_protocol");
    }

    @Test
    void invalidFramesFromTheAgentCloseWithProtocolError() throws IOException {
        fake = new FakeAgent(tmp.resolve("a.sock"), (c, j, w, ch) -> w.writeRaw(new byte[] {0, 0, 0, 5, 0, 0, 0, 1, 99}));
        try (AgentConnection c = connect()) {
            assertThatThrownBy(c::ping).isInstanceOf(AgentConnectionException.class)
                    .hasMessage("agent protocol error: unknown frame type 99");
        }
    }

    @Test
    void spawnDeliversOutputThenExit() throws Exception {
        fake = new FakeAgent(tmp.resolve("a.sock"), (c, j, w, ch) -> {
            if (!"spawn".equals(j.path("op").asString())) return;
            reply(w, c, "{\"ok\":true,\"process_id\":7,\"pid\":1234,\"pty\":false}");
            w.write(c, FrameType.STDOUT, "out".getBytes(StandardCharsets.UTF_8));
            w.write(c, FrameType.STDERR, "err".getBytes(StandardCharsets.UTF_8));
            reply(w, c, "{\"event\":\"exit\",\"process_id\":7,\"pid\":1234,\"exit_code\":3,\"stdout_bytes\":3,\"stderr_bytes\":3}");
        });
        try (AgentConnection c = connect()) {
            AgentProcess p = c.processes().spawn(SpawnRequest.of("x"));
            assertThat(p.processId()).isEqualTo(7);
            assertThat(p.pid()).isEqualTo(1234);
            ExitStatus st = p.waitFor(Duration.ofSeconds(5));
            assertThat(st.exitCode()).isEqualTo(3);
            assertThat(new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("out");
            assertThat(new String(p.stderr().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("err");
        }
    }

    @Test
    void anAgentRestartEndsTheConnection() throws IOException {
        fake = new FakeAgent(tmp.resolve("a.sock"), (c, j, w, ch) -> {
            if ("ping".equals(j.path("op").asString())) {
                reply(w, 0, "{\"event\":\"agent_ready\",\"protocol\":1,\"instance\":\"feedfacefeedface\"}");
            }
        });
        // agent_ready before the hello answer is part of every connection and is skipped
        fake.beforeHello = readyFrame();
        try (AgentConnection c = connect()) {
            assertThatThrownBy(c::ping).isInstanceOfSatisfying(AgentConnectionException.class,
                            e -> assertThat(e.code()).isEqualTo("agent_restarted"))
                    .hasMessage("the agent restarted (instance feedfacefeedface); reconnect");
            assertThat(c.isOpen()).isFalse();
        }
    }

    private static byte[] readyFrame() throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        new FrameWriter(b).write(0, FrameType.MSG, "{\"event\":\"agent_ready\",\"protocol\":1}".getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    @Test
    void requestsOverTheAgentLimitAreRefusedLocally() throws IOException {
        fake = new FakeAgent(tmp.resolve("a.sock"), (c, j, w, ch) -> reply(w, c, "{\"ok\":true}"));
        try (AgentConnection c = connect()) {
            ObjectNode big = AgentConnection.request("ping");
            big.put("pad", "x".repeat(Protocol.AGENT_MAX_MESSAGE));
            assertThatThrownBy(() -> c.call(big, Duration.ofSeconds(1))).isInstanceOf(AgentException.class)
                    .extracting(e -> ((AgentException) e).code()).isEqualTo("too_large");
            assertThat(c.ping()).isPositive();
        }
    }
}
