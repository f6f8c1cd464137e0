package dev.pyro.engine.server;

import dev.pyro.api.engine.Operations;
import dev.pyro.api.PyroException;
import dev.pyro.api.Json;
import dev.pyro.protocol.ErrorText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * Serves one client connection: reads its one request, answers with events and one final line, and
 * meanwhile watches the socket, so a client that goes away mid-run gets its VM deleted.
 */
final class EngineConnection {

    private static final int MAX_REQUEST_BYTES = EngineProtocol.MAX_REQUEST_BYTES;
    /** An oversized request is read to its end (up to this) so the client, still sending, gets the answer. */
    private static final long MAX_DRAIN_BYTES = 1L << 30;
    private static final byte[] TOO_LARGE = new byte[0];

    private final SocketChannel channel;
    private final EngineDispatcher dispatcher;
    private final EngineLog log;
    private final DisconnectGuard guard;

    EngineConnection(SocketChannel channel, EngineDispatcher dispatcher, EngineLog log) {
        this.channel = channel;
        this.dispatcher = dispatcher;
        this.log = log;
        this.guard = new DisconnectGuard(dispatcher::deleteAbandonedVm);
    }

    void serve() {
        try (channel) {
            byte[] line = readRequestLine();
            if (line == null) {
                return; // closed before asking anything
            }
            ResponseWriter out = new ResponseWriter(channel);
            if (line == TOO_LARGE) {
                // answered, not dropped: a dropped request looks like a stopping engine and is retried
                out.accepted(ProcessHandle.current().pid());
                out.error("the request is larger than the engine's limit of " + MAX_REQUEST_BYTES + " bytes; send "
                        + "less at once (file writes and patches take at most 1048576 bytes)",
                        PyroException.Kind.INVALID_INPUT.name(), false);
                log.info("refused a request over " + MAX_REQUEST_BYTES + " bytes");
                return;
            }
            JsonNode request;
            try {
                request = Json.MAPPER.readTree(line);
            } catch (JacksonException e) {
                out.error("malformed engine request: " + e.getOriginalMessage(), PyroException.Kind.INVALID_INPUT.name(),
                        false);
                return;
            }
            String method = request.path("method").asString("");
            JsonNode params = request.hasNonNull("params") ? request.get("params") : NullNode.getInstance();
            out.accepted(ProcessHandle.current().pid());
            watchForDisconnect();
            answer(method, params, out);
        } catch (IOException e) {
            log.info("connection failed before its request was read: " + ErrorText.of(e));
        }
    }

    private void answer(String method, JsonNode params, ResponseWriter out) {
        long started = System.nanoTime();
        try {
            Object result = dispatcher.dispatch(method, params, new RequestContext(out, guard));
            out.result(result);
            if (!Operations.PING.name().equals(method)) { // every client pings first: not worth a line each
                log.info(method + " ok in " + millisSince(started) + " ms");
            }
        } catch (PyroException e) {
            out.error(e.getMessage(), e.kind().name(), false);
            log.info(method + " failed in " + millisSince(started) + " ms (" + e.kind() + "): " + e.getMessage());
        } catch (RuntimeException | Error e) {
            log.error(method + " failed with a bug", e);
            out.error(ErrorText.of(e),
                    PyroException.Kind.RUNTIME.name(), true);
        }
    }

    /** Treats the connection as gone (an engine that stops before this request finished). */
    void abandon() {
        guard.clientGone();
        try {
            channel.close();
        } catch (IOException e) {
            // closed is what we want
        }
    }

    /**
     * Clients send nothing after their request, so a read that returns is the client closing (or
     * dying). When the request finished first, the engine closed the socket itself: a no-op then.
     */
    private void watchForDisconnect() {
        Thread.ofPlatform().daemon().name("pyro-engine-watch").start(() -> {
            ByteBuffer sink = ByteBuffer.allocate(256);
            try {
                while (channel.read(sink.clear()) >= 0) {
                    // ignore anything after the request
                }
            } catch (IOException e) {
                // reset by the peer, or closed by us once the answer is out
            }
            guard.clientGone();
        });
    }

    private byte[] readRequestLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (true) {
            int read = channel.read(buffer.clear());
            if (read < 0) {
                return null;
            }
            buffer.flip();
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n') {
                    return line.toByteArray(); // one request per connection: nothing follows
                }
                if (line.size() >= MAX_REQUEST_BYTES) {
                    return drain(buffer) ? TOO_LARGE : null;
                }
                line.write(b);
            }
        }
    }

    /**
     * Reads and drops the rest of an oversized request line (what is left in {@code buffer}, then
     * the channel); false when the client left first.
     */
    private boolean drain(ByteBuffer buffer) throws IOException {
        long dropped = 0;
        while (true) {
            while (buffer.hasRemaining()) {
                if (buffer.get() == '\n') {
                    return true;
                }
            }
            if (dropped > MAX_DRAIN_BYTES) {
                throw new IOException("request line longer than " + MAX_DRAIN_BYTES + " bytes");
            }
            int read = channel.read(buffer.clear());
            if (read < 0) {
                return false;
            }
            buffer.flip();
            dropped += read;
        }
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
