package dev.pyro.agent;

import dev.pyro.protocol.Frame;
import dev.pyro.protocol.FrameReader;
import dev.pyro.protocol.FrameType;
import dev.pyro.protocol.FrameWriter;
import dev.pyro.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/** A bare frame-level client for sending malformed input. */
final class RawClient implements AutoCloseable {
    private static final Frame EOF = new Frame(-1, FrameType.EOF, new byte[0]);

    private final SocketChannel channel;
    private final OutputStream out;
    final FrameWriter writer;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();

    RawClient(Path socket) {
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out = Channels.newOutputStream(channel);
        writer = new FrameWriter(out);
        InputStream in = Channels.newInputStream(channel);
        Thread.ofVirtual().start(() -> {
            FrameReader r = new FrameReader(in);
            try {
                Frame f;
                while ((f = r.read()) != null) frames.add(f);
            } catch (IOException e) {
                // treated as end of stream
            }
            frames.add(EOF);
        });
        readyEvent = ready();
    }

    /** The agent_ready event that opened this connection. */
    final JsonNode readyEvent;

    /** Reads the agent_ready event every connection starts with. */
    JsonNode ready() {
        Frame f = next();
        JsonNode j = Json.MAPPER.readTree(f.payload());
        if (f.channel() != 0 || f.type() != FrameType.MSG || !"agent_ready".equals(j.path("event").asString())) {
            throw new AssertionError("expected agent_ready, got " + f);
        }
        return j;
    }

    JsonNode hello() {
        send(0, FrameType.HELLO, "{\"op\":\"hello\",\"protocol\":1,\"nonce\":\"raw\"}");
        Frame f = next();
        if (f.type() != FrameType.HELLO) throw new AssertionError("expected hello, got " + f);
        return Json.MAPPER.readTree(f.payload());
    }

    void send(int channel, FrameType type, String payload) {
        send(channel, type, payload.getBytes(StandardCharsets.UTF_8));
    }

    void send(int channel, FrameType type, byte[] payload) {
        try {
            writer.write(channel, type, payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void raw(byte[] bytes) {
        try {
            writer.writeRaw(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next frame, or an AssertionError after 5 s; null at end of stream. */
    Frame next() {
        try {
            Frame f = frames.poll(5, TimeUnit.SECONDS);
            if (f == null) throw new AssertionError("no frame from the agent within 5s");
            return f == EOF ? null : f;
        } catch (InterruptedException e) {
            throw new AssertionError("interrupted");
        }
    }

    JsonNode nextJson() {
        Frame f = next();
        if (f == null) throw new AssertionError("connection closed");
        return Json.MAPPER.readTree(f.payload());
    }

    /** A request and its response on a channel. */
    JsonNode call(int channel, String json) {
        send(channel, FrameType.MSG, json);
        Frame f = next();
        if (f == null) throw new AssertionError("connection closed");
        if (f.channel() != channel) throw new AssertionError("answer on channel " + f.channelUnsigned());
        return Json.MAPPER.readTree(f.payload());
    }

    /** Whether the agent closes the connection within the timeout (frames before are skipped). */
    boolean closedWithin(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        try {
            while (System.nanoTime() < end) {
                Frame f = frames.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (f == EOF) return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
