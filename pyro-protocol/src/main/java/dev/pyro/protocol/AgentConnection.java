package dev.pyro.protocol;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * A connection to a Pyro guest agent over one multiplexed framed stream (docs/protocol.md).
 *
 * <p>Thread-safe: any number of threads may issue calls at once; each call uses its own channel,
 * so a long-running process never blocks a file read. Calls block up to a timeout (default
 * {@link Options#callTimeout()}) and throw {@link AgentException} (or its subclasses
 * {@link AgentTimeoutException} and {@link AgentConnectionException}) with a one-line message.
 *
 * <p>One reader thread per connection delivers responses and output in order. Futures returned
 * here complete on that thread: attach only quick, non-blocking callbacks (or use the *Async
 * variants).
 */
public final class AgentConnection implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AgentConnection.class.getName());
    private static final AtomicInteger READER_IDS = new AtomicInteger();

    /**
     * Connection options.
     *
     * @param callTimeout default timeout of calls that take none
     * @param helloTimeout how long one hello attempt waits
     * @param helloAttempts hello attempts before giving up
     * @param flushOnRetry before the second hello, send zero bytes (once) that make an agent stuck
     *     in a stale half-frame resynchronise (serial transports only: a socket agent closes
     *     instead). Hellos queued while a guest boots are all answered; the first answer wins.
     * @param clientName sent in hello, shows up in agent logs
     * @param maxMessageBytes largest JSON message accepted from the agent
     */
    public record Options(Duration callTimeout, Duration helloTimeout, int helloAttempts, boolean flushOnRetry,
                          String clientName, int maxMessageBytes) {
        public Options {
            Objects.requireNonNull(callTimeout, "callTimeout");
            Objects.requireNonNull(helloTimeout, "helloTimeout");
            if (helloAttempts < 1) throw new IllegalArgumentException("helloAttempts must be at least 1");
            if (clientName == null) clientName = "pyro-java";
        }

        public static Options defaults() {
            return new Options(Duration.ofSeconds(30), Duration.ofSeconds(10), 1, false, "pyro-java",
                    Protocol.DEFAULT_MAX_MESSAGE);
        }

        /**
         * For a virtio-serial port: retries hello every 250 ms for up to 30 s (the guest may still
         * be booting), and resynchronises an agent left mid-frame by a previous host.
         */
        public static Options forSerial() {
            return new Options(Duration.ofSeconds(30), Duration.ofMillis(250), 120, true, "pyro-java",
                    Protocol.DEFAULT_MAX_MESSAGE);
        }

        public Options withCallTimeout(Duration d) {
            return new Options(d, helloTimeout, helloAttempts, flushOnRetry, clientName, maxMessageBytes);
        }

        public Options withHello(Duration timeout, int attempts, boolean flush) {
            return new Options(callTimeout, timeout, attempts, flush, clientName, maxMessageBytes);
        }

        public Options withClientName(String name) {
            return new Options(callTimeout, helloTimeout, helloAttempts, flushOnRetry, name, maxMessageBytes);
        }
    }

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
    private final Options options;
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

    private AgentConnection(InputStream in, OutputStream out, Closeable transport, Options options) {
        this.reader = new FrameReader(in);
        this.writer = new FrameWriter(new java.io.BufferedOutputStream(out, Protocol.HEADER_SIZE + Protocol.MAX_PAYLOAD));
        this.transport = transport;
        this.options = options;
        this.readerThread = new Thread(this::readLoop, "pyro-agent-reader-" + READER_IDS.incrementAndGet());
        this.readerThread.setDaemon(true);
    }

    // ------------------------------------------------------------------ opening

    /**
     * Opens a connection over a stream pair and says hello. {@code transport} is closed by
     * {@link #close()} (pass the socket or process owning the streams).
     */
    public static AgentConnection open(InputStream in, OutputStream out, Closeable transport, Options options) {
        AgentConnection c = new AgentConnection(in, out, transport, options);
        c.readerThread.start();
        try {
            c.handshake();
        } catch (AgentException e) {
            c.close();
            throw e;
        }
        return c;
    }

    public static AgentConnection open(InputStream in, OutputStream out, Options options) {
        return open(in, out, () -> {
            try (in; out) {
                // close both
            }
        }, options);
    }

    /** Connects to an agent listening on a Unix socket ({@code pyro-agent --listen PATH}). */
    public static AgentConnection connectUnix(Path socket, Options options) {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new AgentConnectionException("connection_failed", "cannot create a Unix socket: " + e.getMessage(), e);
        }
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            closeQuietly(ch);
            throw new AgentConnectionException("connection_failed",
                    "cannot connect to the agent at " + socket + ": " + describe(e), e);
        }
        return open(Channels.newInputStream(ch), Channels.newOutputStream(ch), ch, options);
    }

    /** Like {@link #connectUnix(Path, Options)}, retrying until the socket accepts or {@code wait} passes. */
    public static AgentConnection connectUnix(Path socket, Duration wait, Options options) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                return connectUnix(socket, options);
            } catch (AgentConnectionException e) {
                if (!"connection_failed".equals(e.code()) || System.nanoTime() > deadline) throw e;
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
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

    /** The agent's hello response. */
    public HelloInfo hello() {
        return hello;
    }

    public boolean isOpen() {
        return !closed.isDone();
    }

    /** Completes (with the reason) when the connection ends. */
    public CompletableFuture<AgentException> closedFuture() {
        return closed;
    }

    public Options options() {
        return options;
    }

    /** Closes the connection. Processes keep running in the guest; reconnect and attach to them. */
    @Override
    public void close() {
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

    // ------------------------------------------------------------------ generic calls

    /** A request object for {@code op}. */
    public static ObjectNode request(String op) {
        ObjectNode o = Json.object();
        o.put("op", op);
        return o;
    }

    /**
     * Sends any request and returns its successful response object (for ops without a typed
     * method). Throws {@link AgentException} if the agent answers {@code ok: false}.
     */
    public JsonNode call(ObjectNode request, Duration timeout) {
        String what = request.path("op").asString("request");
        return checkOk(call(request, false, timeout, what).msg());
    }

    /** Round trip time of a ping. */
    public Duration ping() {
        long t0 = System.nanoTime();
        call(request("ping"), options.callTimeout());
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    // ------------------------------------------------------------------ files

    public FileStat stat(String path) {
        return stat(path, false, options.callTimeout());
    }

    /** Stats a path ({@code lstat} unless {@code follow}). */
    public FileStat stat(String path, boolean follow, Duration timeout) {
        ObjectNode r = request("stat");
        r.put("path", path);
        if (follow) r.put("follow", true);
        return Json.convert(checkOk(call(r, false, timeout, "stat").msg()), FileStat.class);
    }

    public DirListing list(String path) {
        return list(path, 0, options.callTimeout());
    }

    /** Lists a directory (sorted by name, not following symlinks); limit 0 = the agent default (100000). */
    public DirListing list(String path, int limit, Duration timeout) {
        ObjectNode r = request("list");
        r.put("path", path);
        if (limit > 0) r.put("limit", limit);
        return Json.convert(checkOk(call(r, false, timeout, "list").msg()), DirListing.class);
    }

    public ReadResult read(String path, long offset, int maxBytes) {
        return read(path, offset, maxBytes, false, options.callTimeout());
    }

    /** Reads up to maxBytes (clamped to 8 MiB by the agent) of a regular file from offset. */
    public ReadResult read(String path, long offset, int maxBytes, boolean nofollow, Duration timeout) {
        ObjectNode r = request("read");
        r.put("path", path);
        if (offset != 0) r.put("offset", offset);
        r.put("max_bytes", maxBytes);
        if (nofollow) r.put("nofollow", true);
        Reply reply = call(r, true, timeout, "read");
        JsonNode m = checkOk(reply.msg());
        return new ReadResult(reply.data(), m.path("size").asLong(), m.path("offset").asLong(),
                m.path("eof").asBoolean(), m.path("mode").asInt(), m.path("mtime_ns").asLong());
    }

    /** Reads a whole file, failing with code {@code too_large} if it has more than maxBytes. */
    public byte[] readAll(String path, long maxBytes, Duration timeout) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long off = 0;
        while (true) {
            int want = (int) Math.min(Protocol.AGENT_MAX_READ_BYTES, maxBytes + 1 - off);
            ReadResult r = read(path, off, Math.max(want, 1), false, timeout);
            out.write(r.data(), 0, r.data().length);
            off += r.data().length;
            if (off > maxBytes) {
                throw new AgentException("too_large", null, "file '" + path + "' exceeds " + maxBytes + " bytes");
            }
            if (r.eof() || r.data().length == 0) return out.toByteArray();
        }
    }

    public WriteResult write(String path, byte[] content) {
        return write(path, content, WriteOptions.defaults(), options.callTimeout());
    }

    public WriteResult write(String path, byte[] content, WriteOptions opts, Duration timeout) {
        return write(path, new java.io.ByteArrayInputStream(content), content.length, opts, timeout);
    }

    /** Writes exactly {@code length} bytes from {@code in} to a file. */
    public WriteResult write(String path, InputStream in, long length, WriteOptions opts, Duration timeout) {
        ObjectNode r = request("write");
        r.put("path", path);
        r.put("length", length);
        opts.putInto(r);
        CallHandler h = new CallHandler(false);
        int ch = register(h);
        try {
            sendMessage(ch, r);
            streamData(ch, in, length, "write " + path, h.future);
        } catch (AgentException e) {
            release(ch, h);
            throw e;
        }
        Reply reply = awaitCall(ch, h, timeout, "write", true);
        JsonNode m = checkOk(reply.msg());
        return new WriteResult(m.path("bytes_written").asLong(), m.path("size").asLong());
    }

    public boolean mkdir(String path) {
        return mkdir(path, null, false, false);
    }

    /** Creates a directory; returns false if it existed (with existOk). */
    public boolean mkdir(String path, Integer mode, boolean parents, boolean existOk) {
        return mkdir(path, mode, parents, existOk, options.callTimeout());
    }

    public boolean mkdir(String path, Integer mode, boolean parents, boolean existOk, Duration timeout) {
        ObjectNode r = request("mkdir");
        r.put("path", path);
        if (mode != null) r.put("mode", mode);
        if (parents) r.put("parents", true);
        if (existOk) r.put("exist_ok", true);
        return checkOk(call(r, false, timeout, "mkdir").msg()).path("created").asBoolean();
    }

    /** Deletes a file, symlink or empty directory (or a whole tree if recursive); returns entries removed. */
    public long delete(String path, boolean recursive, boolean missingOk) {
        return delete(path, recursive, missingOk, options.callTimeout());
    }

    public long delete(String path, boolean recursive, boolean missingOk, Duration timeout) {
        ObjectNode r = request("delete");
        r.put("path", path);
        if (recursive) r.put("recursive", true);
        if (missingOk) r.put("missing_ok", true);
        return checkOk(call(r, false, timeout, "delete").msg()).path("deleted").asLong();
    }

    public void rename(String from, String to, boolean overwrite) {
        rename(from, to, overwrite, options.callTimeout());
    }

    /** Renames; without overwrite an existing target fails with EEXIST. */
    public void rename(String from, String to, boolean overwrite, Duration timeout) {
        ObjectNode r = request("rename");
        r.put("from", from);
        r.put("to", to);
        if (!overwrite) r.put("overwrite", false);
        checkOk(call(r, false, timeout, "rename").msg());
    }

    public void symlink(String target, String path, boolean overwrite) {
        symlink(target, path, overwrite, options.callTimeout());
    }

    /** Creates a symlink at path; overwrite replaces an existing non-directory. */
    public void symlink(String target, String path, boolean overwrite, Duration timeout) {
        ObjectNode r = request("symlink");
        r.put("target", target);
        r.put("path", path);
        if (overwrite) r.put("overwrite", true);
        checkOk(call(r, false, timeout, "symlink").msg());
    }

    public String readlink(String path) {
        return readlink(path, options.callTimeout());
    }

    /** A symlink's target (lossy if not UTF-8; use {@link #call} for target_b64). */
    public String readlink(String path, Duration timeout) {
        ObjectNode r = request("readlink");
        r.put("path", path);
        return checkOk(call(r, false, timeout, "readlink").msg()).path("target").asString();
    }

    /** Starts a streamed {@code write_tree}; see {@link TreeWriter}. */
    public TreeWriter openTree(boolean overwrite) {
        ObjectNode r = request("write_tree");
        if (!overwrite) r.put("overwrite", false);
        CallHandler h = new CallHandler(false);
        int ch = register(h);
        try {
            sendMessage(ch, r);
        } catch (AgentException e) {
            release(ch, h);
            throw e;
        }
        return new TreeWriter(this, ch, h);
    }

    /** Flushes guest filesystems ({@code sync}). */
    public void sync(Duration timeout) {
        checkOk(call(request("sync"), false, timeout, "sync").msg());
    }

    /** Sets the guest clock (after a snapshot restore). */
    public void setTime(Instant time) {
        ObjectNode r = request("set_time");
        r.put("unix_ns", time.getEpochSecond() * 1_000_000_000L + time.getNano());
        checkOk(call(r, false, options.callTimeout(), "set_time").msg());
    }

    /** Asks pyro-init to stop everything and power off (the agent answers first). */
    public void shutdown() {
        checkOk(call(request("shutdown"), false, options.callTimeout(), "shutdown").msg());
    }

    // ------------------------------------------------------------------ processes

    public AgentProcess spawn(SpawnRequest req) {
        return spawn(req, null, options.callTimeout());
    }

    /**
     * Starts a process. Output goes to {@code sink} if given, else to the handle's streams.
     * Returns once the agent has started it (exec succeeded); a failed exec throws (e.g. ENOENT).
     */
    public AgentProcess spawn(SpawnRequest req, ProcessOutput sink, Duration timeout) {
        return startProcess(req.toJson(), sink, timeout, "spawn");
    }

    /**
     * Attaches to a process by id (after a reconnect): its output from now on and its exit come to
     * the returned handle. An already exited process reports its exit at once.
     */
    public AgentProcess attach(int processId) {
        return attach(processId, null, options.callTimeout());
    }

    public AgentProcess attach(int processId, ProcessOutput sink, Duration timeout) {
        ObjectNode r = request("attach");
        r.put("process_id", processId);
        return startProcess(r, sink, timeout, "attach");
    }

    private AgentProcess startProcess(ObjectNode req, ProcessOutput sink, Duration timeout, String what) {
        AgentProcess p = null;
        int ch = 0;
        while (p == null || handlers.putIfAbsent(ch, p) != null) {
            ch = allocateChannel();
            p = new AgentProcess(this, ch, sink);
        }
        try {
            sendMessage(ch, req);
        } catch (AgentException e) {
            release(ch, p);
            throw e;
        }
        try {
            await(p.started, timeout, what);
        } catch (AgentTimeoutException e) {
            p.abandon();
            throw e;
        }
        return p;
    }

    /** Processes the agent knows: running ones and exited ones nobody collected. */
    public List<ProcessInfo> listProcesses() {
        JsonNode m = checkOk(call(request("list_processes"), false, options.callTimeout(), "list_processes").msg());
        List<ProcessInfo> out = new ArrayList<>();
        for (JsonNode n : m.path("processes")) out.add(Json.convert(n, ProcessInfo.class));
        return out;
    }

    /** Sends a signal ("TERM", "KILL", "INT", "HUP", ... or a number) to the process group (or the process). */
    public void signal(int processId, String signal, boolean group) {
        ObjectNode r = request("signal");
        r.put("process_id", processId);
        if (signal.chars().allMatch(Character::isDigit) && !signal.isEmpty()) r.put("signal", Integer.parseInt(signal));
        else r.put("signal", signal);
        if (!group) r.put("group", false);
        checkOk(call(r, false, options.callTimeout(), "signal").msg());
    }

    public void resize(int processId, int rows, int cols) {
        ObjectNode r = request("resize");
        r.put("process_id", processId);
        r.put("rows", rows);
        r.put("cols", cols);
        checkOk(call(r, false, options.callTimeout(), "resize").msg());
    }

    void killQuietly(int processId) {
        Thread.ofVirtual().start(() -> {
            try {
                signal(processId, "KILL", true);
            } catch (AgentException ignored) {
                // best effort for an abandoned spawn
            }
        });
    }

    // ------------------------------------------------------------------ plumbing

    private Reply call(ObjectNode req, boolean expectsData, Duration timeout, String what) {
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

    private Reply awaitCall(int ch, CallHandler h, Duration timeout, String what, boolean upload) {
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

    private int register(CallHandler h) {
        while (true) {
            int ch = allocateChannel();
            if (handlers.putIfAbsent(ch, h) == null) {
                h.channel = ch;
                return ch;
            }
        }
    }

    private int allocateChannel() {
        if (closed.isDone()) throw closedException();
        while (true) {
            int ch = nextChannel.getAndIncrement() & 0x7fffffff;
            if (ch != 0 && !handlers.containsKey(ch)) return ch;
        }
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

    private static void closeQuietly(Closeable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
    }
}
