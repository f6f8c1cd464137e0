package dev.pyro.protocol;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The channel multiplexer under {@link AgentConnection}: hello handshake, framing, channel
 * allocation, call timeouts and the reader thread (docs/protocol.md). It knows no operation but
 * hello; {@link AgentFiles} and {@link AgentProcesses} build requests on top of it.
 *
 * <p>Thread-safe. One reader thread per connection delivers responses and output in order to the
 * handler registered for each channel.
 */
final class AgentChannels {
    // named after the public entry point, so log configuration keeps working
    private static final System.Logger LOG = System.getLogger(AgentConnection.class.getName());
    private static final AtomicInteger READER_IDS = new AtomicInteger();

    /** Receives what the agent sends on one channel (reader thread). */
    interface ChannelHandler {
        void onMessage(JsonNode msg);

        void onData(FrameType type, byte[] data);

        void onClose(AgentException cause);
    }

    /** A response message plus the DATA bytes that followed it (read). */
    record Reply(JsonNode msg, byte[] data) {}

    /** Handler of a request with one response (and, for read, data after it). */
    final class CallHandler implements ChannelHandler {
        final CompletableFuture<Reply> future = new CompletableFuture<>();
        private final boolean expectsData;
        private int channel;
        private JsonNode header;
        private byte[] data;
        private int filled;

        CallHandler(boolean expectsData) {
            this.expectsData = expectsData;
        }

        @Override
        public void onMessage(JsonNode msg) {
            if (header != null) return;
            header = msg;
            if (expectsData && msg.path("ok").asBoolean(false)) {
                long len = msg.path("length").asLong(0);
                if (len < 0 || len > Protocol.AGENT_MAX_READ_BYTES) {
                    complete(new Reply(errorReply("protocol_error", "invalid read length " + len), null));
                    return;
                }
                data = new byte[(int) len];
                if (len == 0) complete(new Reply(msg, data));
            } else {
                complete(new Reply(msg, null));
            }
        }

        @Override
        public void onData(FrameType type, byte[] bytes) {
            if (header == null || data == null || future.isDone()) return;
            int n = Math.min(bytes.length, data.length - filled);
            System.arraycopy(bytes, 0, data, filled, n);
            filled += n;
            if (filled == data.length) complete(new Reply(header, data));
        }

        @Override
        public void onClose(AgentException cause) {
            future.completeExceptionally(cause);
            release(channel, this);
        }

        private void complete(Reply r) {
            release(channel, this);
            future.complete(r);
        }
    }

    private final FrameReader reader;
    private final FrameWriter writer;
    private final Closeable transport;
    private final AgentConnection.Options options;
    private final Map<Integer, ChannelHandler> handlers = new ConcurrentHashMap<>();
    private final AtomicInteger nextChannel = new AtomicInteger(1);
    private final Set<String> nonces = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<JsonNode> helloReply = new CompletableFuture<>();
    private final CompletableFuture<AgentException> closed = new CompletableFuture<>();
    private final Thread readerThread;
    private volatile HelloInfo hello;
    private volatile boolean closing;
    private volatile String lastProtocolError;
    private ByteArrayOutputStream assembly;
    private int assemblyChannel;

    private AgentChannels(InputStream in, OutputStream out, Closeable transport, AgentConnection.Options options) {
        this.reader = new FrameReader(in);
        this.writer = new FrameWriter(new java.io.BufferedOutputStream(out, Protocol.HEADER_SIZE + Protocol.MAX_PAYLOAD));
        this.transport = transport;
        this.options = options;
        this.readerThread = new Thread(this::readLoop, "pyro-agent-reader-" + READER_IDS.incrementAndGet());
        this.readerThread.setDaemon(true);
    }

    /** Starts the reader and says hello; closes {@code transport} if the hello fails. */
    static AgentChannels open(InputStream in, OutputStream out, Closeable transport, AgentConnection.Options options) {
        AgentChannels c = new AgentChannels(in, out, transport, options);
        c.readerThread.start();
        try {
            c.handshake();
        } catch (AgentException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void handshake() {
        AgentException last = null;
        for (int attempt = 1; attempt <= options.helloAttempts(); attempt++) {
            String nonce = HexFormat.of().formatHex(randomBytes(8));
            nonces.add(nonce);
            ObjectNode h = Json.object();
            h.put("op", "hello");
            h.put("protocol", Protocol.VERSION);
            h.put("nonce", nonce);
            h.put("client", options.clientName());
            try {
                if (attempt == 2 && options.flushOnRetry()) {
                    writer.writeRaw(new byte[Protocol.RESYNC_PADDING]);
                }
                writer.writeMessage(Protocol.CONTROL_CHANNEL, FrameType.HELLO, Json.bytes(h));
            } catch (IOException e) {
                throw connectionLost(e);
            }
            try {
                JsonNode r = helloReply.get(options.helloTimeout().toMillis(), TimeUnit.MILLISECONDS);
                if (!r.path("ok").asBoolean(false)) throw errorOf(r);
                hello = Json.convert(r, HelloInfo.class);
                return;
            } catch (TimeoutException e) {
                last = new AgentTimeoutException("the agent did not answer hello within " + human(options.helloTimeout()));
            } catch (ExecutionException e) {
                throw asAgentException(e.getCause(), "hello");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AgentException("interrupted", null, "interrupted while waiting for the agent's hello");
            }
        }
        throw last;
    }

    HelloInfo hello() {
        return hello;
    }

    boolean isOpen() {
        return !closed.isDone();
    }

    CompletableFuture<AgentException> closedFuture() {
        return closed;
    }

    AgentConnection.Options options() {
        return options;
    }

    void close() {
        closing = true;
        closeQuietly(transport);
        if (Thread.currentThread() != readerThread) {
            try {
                readerThread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        failAll(new AgentConnectionException("connection_closed", "the agent connection is closed", null));
    }

    // ------------------------------------------------------------------ calls and channels

    /** Sends one request on a new channel and waits for its reply (and, if expectsData, the DATA after it). */
    Reply call(ObjectNode req, boolean expectsData, Duration timeout, String what) {
        CallHandler h = new CallHandler(expectsData);
        int ch = register(h);
        try {
            sendMessage(ch, req);
        } catch (AgentException e) {
            release(ch, h);
            throw e;
        }
        return awaitCall(ch, h, timeout, what, false);
    }

    /** Waits for a call's reply; on timeout frees the channel (and ends an upload with EOF). */
    Reply awaitCall(int ch, CallHandler h, Duration timeout, String what, boolean upload) {
        try {
            return await(h.future, timeout, what);
        } catch (AgentTimeoutException e) {
            release(ch, h);
            if (upload) {
                try {
                    sendData(ch, FrameType.EOF, new byte[0], 0, 0);
                } catch (AgentException ignored) {
                    // connection gone
                }
            }
            throw e;
        }
    }

    int register(CallHandler h) {
        while (true) {
            int ch = allocateChannel();
            if (handlers.putIfAbsent(ch, h) == null) {
                h.channel = ch;
                return ch;
            }
        }
    }

    int allocateChannel() {
        if (closed.isDone()) throw closedException();
        while (true) {
            int ch = nextChannel.getAndIncrement() & 0x7fffffff;
            if (ch != 0 && !handlers.containsKey(ch)) return ch;
        }
    }

    /** Binds a handler to a free channel; false if the channel was taken meanwhile. */
    boolean claim(int channel, ChannelHandler h) {
        return handlers.putIfAbsent(channel, h) == null;
    }

    void release(int channel, ChannelHandler h) {
        handlers.remove(channel, h);
    }

    <T> T await(CompletableFuture<T> f, Duration timeout, String what) {
        try {
            return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AgentTimeoutException("the agent did not answer " + what + " within " + human(timeout));
        } catch (ExecutionException e) {
            throw asAgentException(e.getCause(), what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException("interrupted", null, what + " was interrupted");
        }
    }

    void sendMessage(int channel, ObjectNode msg) {
        byte[] bytes = Json.bytes(msg);
        if (bytes.length > Protocol.AGENT_MAX_MESSAGE) {
            throw new AgentException("too_large", null, "request of " + bytes.length + " bytes exceeds the agent's limit of "
                    + Protocol.AGENT_MAX_MESSAGE);
        }
        if (closed.isDone()) throw closedException();
        try {
            writer.writeMessage(channel, FrameType.MSG, bytes);
        } catch (IOException e) {
            throw connectionLost(e);
        }
    }

    void sendData(int channel, FrameType type, byte[] data, int off, int len) {
        if (closed.isDone()) throw closedException();
        try {
            writer.writeChunked(channel, type, data, off, len);
        } catch (IOException e) {
            throw connectionLost(e);
        }
    }

    void streamData(int channel, InputStream in, long length, String what, CompletableFuture<?> stopIfDone) {
        byte[] buf = new byte[Protocol.MAX_PAYLOAD];
        long left = length;
        while (left > 0) {
            if (stopIfDone != null && stopIfDone.isDone()) {
                // the agent already answered (an error): stop, and let it drop the rest
                sendData(channel, FrameType.EOF, buf, 0, 0);
                return;
            }
            int n;
            try {
                n = in.readNBytes(buf, 0, (int) Math.min(buf.length, left));
            } catch (IOException e) {
                sendData(channel, FrameType.EOF, buf, 0, 0);
                throw new AgentException("io_error", null, what + ": reading the input failed: " + describe(e));
            }
            if (n == 0) {
                sendData(channel, FrameType.EOF, buf, 0, 0);
                throw new AgentException("bad_request", null,
                        what + ": input ended after " + (length - left) + " of " + length + " bytes");
            }
            sendData(channel, FrameType.DATA, buf, 0, n);
            left -= n;
        }
    }

    // ------------------------------------------------------------------ reader thread

    private void readLoop() {
        AgentException cause;
        try {
            Frame h = reader.syncToHello(this::isOurHello);
            if (reader.discardedBytes() > 0) {
                LOG.log(System.Logger.Level.DEBUG, "skipped {0} stale bytes before the agent's hello", reader.discardedBytes());
            }
            helloReply.complete(parseObject(h.payload()));
            Frame f;
            while ((f = reader.read()) != null) dispatch(f);
            String why = lastProtocolError == null ? "" : " after a protocol error: " + lastProtocolError;
            cause = new AgentConnectionException(lastProtocolError == null ? "connection_closed" : "protocol_error",
                    closing ? "the agent connection is closed" : "the agent closed the connection" + why, null);
        } catch (ProtocolException e) {
            cause = new AgentConnectionException("protocol_error", "agent protocol error: " + e.getMessage(), e);
        } catch (IOException e) {
            cause = closing ? new AgentConnectionException("connection_closed", "the agent connection is closed", e)
                    : new AgentConnectionException("connection_lost", "lost the agent connection: " + describe(e), e);
        } catch (AgentException e) {
            cause = e;
        } catch (RuntimeException e) {
            cause = new AgentConnectionException("protocol_error", "agent protocol error: " + describe(e), e);
        }
        helloReply.completeExceptionally(cause);
        closeQuietly(transport);
        failAll(cause);
    }

    private boolean isOurHello(Frame f) {
        try {
            JsonNode n = Json.MAPPER.readTree(f.payload());
            String nonce = n.path("nonce").asString(null);
            return nonce != null && nonces.contains(nonce);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void dispatch(Frame f) throws ProtocolException {
        switch (f.type()) {
            case HELLO, EOF -> {
                // late answers to retried hellos; EOF is host-to-agent only
            }
            case MSG_PART -> {
                if (assembly != null && assemblyChannel != f.channel()) {
                    throw new ProtocolException("split message interleaved with channel " + f.channelUnsigned());
                }
                if (assembly == null) {
                    assembly = new ByteArrayOutputStream();
                    assemblyChannel = f.channel();
                }
                if (assembly.size() + f.payload().length > options.maxMessageBytes()) {
                    throw new ProtocolException("message exceeds " + options.maxMessageBytes() + " bytes");
                }
                assembly.write(f.payload(), 0, f.payload().length);
            }
            case MSG -> {
                byte[] body = f.payload();
                if (assembly != null) {
                    if (assemblyChannel != f.channel()) {
                        throw new ProtocolException("split message interleaved with channel " + f.channelUnsigned());
                    }
                    assembly.write(body, 0, body.length);
                    body = assembly.toByteArray();
                    assembly = null;
                }
                JsonNode msg = parseObject(body);
                if (f.channel() == Protocol.CONTROL_CHANNEL) control(msg);
                else deliver(f.channel(), h -> h.onMessage(msg));
            }
            case DATA, STDOUT, STDERR -> deliver(f.channel(), h -> h.onData(f.type(), f.payload()));
        }
    }

    private void control(JsonNode msg) {
        String event = msg.path("event").asString("");
        AgentException e = errorOf(msg);
        if ("protocol_error".equals(event)) {
            // A socket agent closes the connection next (the close reports this); a serial/stdio
            // agent skips to the next hello instead (e.g. after the resync bytes of a retried hello).
            lastProtocolError = e.getMessage();
            LOG.log(System.Logger.Level.WARNING, "the agent reported a protocol error: {0}", e.getMessage());
            return;
        }
        if ("agent_ready".equals(event)) {
            // Sent when the agent (re)opens its transport. After our hello it means the agent
            // restarted or reset its session: every request in flight is lost, so end this
            // connection; the caller reconnects and re-attaches processes.
            throw new AgentConnectionException("agent_restarted", "the agent restarted (instance "
                    + msg.path("instance").asString("?") + "); reconnect", null);
        }
        if (msg.has("channel")) {
            int ch = msg.path("channel").asInt();
            ChannelHandler h = handlers.get(ch);
            if (h != null) {
                handlers.remove(ch, h);
                h.onClose(e);
            }
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "agent event: {0}", msg);
    }

    private void deliver(int channel, java.util.function.Consumer<ChannelHandler> action) {
        ChannelHandler h = handlers.get(channel);
        if (h == null) return;   // late frames of a released channel
        try {
            action.accept(h);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "output handler failed: " + describe(e));
        }
    }

    private static JsonNode parseObject(byte[] body) throws ProtocolException {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(body);
        } catch (RuntimeException e) {
            throw new ProtocolException("invalid JSON from the agent");
        }
        if (n == null || !n.isObject()) throw new ProtocolException("agent message is not a JSON object");
        return n;
    }

    private void failAll(AgentException cause) {
        closed.complete(cause);
        for (Map.Entry<Integer, ChannelHandler> e : List.copyOf(handlers.entrySet())) {
            if (handlers.remove(e.getKey(), e.getValue())) {
                try {
                    e.getValue().onClose(cause);
                } catch (RuntimeException ex) {
                    LOG.log(System.Logger.Level.WARNING, "handler failed on close: " + describe(ex));
                }
            }
        }
    }

    // ------------------------------------------------------------------ errors

    private AgentException closedException() {
        AgentException c = closed.getNow(null);
        String why = c == null ? "the agent connection is closed" : c.getMessage();
        return new AgentConnectionException("connection_closed", why, null);
    }

    private AgentException connectionLost(IOException e) {
        if (closing || closed.isDone()) return closedException();
        return new AgentConnectionException("connection_lost", "lost the agent connection: " + describe(e), e);
    }

    static JsonNode checkOk(JsonNode msg) {
        if (msg.path("ok").asBoolean(false)) return msg;
        throw errorOf(msg);
    }

    static AgentException errorOf(JsonNode msg) {
        JsonNode e = msg.path("error");
        String code = e.path("code").asString("error");
        Integer errno = e.has("errno") && e.get("errno").isIntegralNumber() ? e.get("errno").asInt() : null;
        String message = e.path("message").asString("the agent reported an error");
        return new AgentException(code, errno, message);
    }

    private static ObjectNode errorReply(String code, String message) {
        ObjectNode o = Json.object();
        o.put("ok", false);
        o.putObject("error").put("code", code).put("message", message);
        return o;
    }

    private static AgentException asAgentException(Throwable t, String what) {
        if (t instanceof AgentTimeoutException te) return new AgentTimeoutException(te.getMessage());
        if (t instanceof AgentConnectionException ce) return new AgentConnectionException(ce.code(), ce.getMessage(), ce.getCause());
        if (t instanceof TreeWriteException tw) return tw;
        if (t instanceof AgentException ae) return new AgentException(ae.code(), ae.errno(), ae.getMessage());
        return new AgentException("error", null, what + " failed: " + describe(t));
    }

    static String describe(Throwable t) {
        return ErrorText.of(t);
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    static void closeQuietly(Closeable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
    }
}
