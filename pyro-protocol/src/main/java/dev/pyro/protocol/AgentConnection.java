package dev.pyro.protocol;

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
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
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
 *
 * <p>This class is the entry point: it opens and closes the connection and holds the generic
 * calls (any request, ping, set_time, shutdown). The channel mux (handshake, framing, channels,
 * timeouts) is {@code AgentChannels}; the file operations are {@link #files()} and the process
 * operations {@link #processes()} (e.g. {@code agent.files().read(...)},
 * {@code agent.processes().spawn(...)}).
 */
public final class AgentConnection implements AutoCloseable {
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

    private final AgentChannels channels;
    private final AgentFiles files;
    private final AgentProcesses processes;

    private AgentConnection(AgentChannels channels) {
        this.channels = channels;
        this.files = new AgentFiles(channels);
        this.processes = new AgentProcesses(channels);
    }

    // ------------------------------------------------------------------ opening

    /**
     * Opens a connection over a stream pair and says hello. {@code transport} is closed by
     * {@link #close()} (pass the socket or process owning the streams).
     */
    public static AgentConnection open(InputStream in, OutputStream out, Closeable transport, Options options) {
        return new AgentConnection(AgentChannels.open(in, out, transport, options));
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
            AgentChannels.closeQuietly(ch);
            throw new AgentConnectionException("connection_failed",
                    "cannot connect to the agent at " + socket + ": " + AgentChannels.describe(e), e);
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

    /** The agent's hello response. */
    public HelloInfo hello() {
        return channels.hello();
    }

    public boolean isOpen() {
        return channels.isOpen();
    }

    /** Completes (with the reason) when the connection ends. */
    public CompletableFuture<AgentException> closedFuture() {
        return channels.closedFuture();
    }

    public Options options() {
        return channels.options();
    }

    /** The file operations (stat, list, read, write, mkdir, delete, rename, symlink, readlink, write_tree, sync). */
    public AgentFiles files() {
        return files;
    }

    /** The process operations (spawn, attach, list_processes, signal, resize). */
    public AgentProcesses processes() {
        return processes;
    }

    /** Closes the connection. Processes keep running in the guest; reconnect and attach to them. */
    @Override
    public void close() {
        channels.close();
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
        return AgentChannels.checkOk(channels.call(request, false, timeout, what).msg());
    }

    /** Round trip time of a ping. */
    public Duration ping() {
        long t0 = System.nanoTime();
        call(request("ping"), options().callTimeout());
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Sets the guest clock (after a snapshot restore). */
    public void setTime(Instant time) {
        ObjectNode r = request("set_time");
        r.put("unix_ns", time.getEpochSecond() * 1_000_000_000L + time.getNano());
        AgentChannels.checkOk(channels.call(r, false, options().callTimeout(), "set_time").msg());
    }

    /** Asks pyro-init to stop everything and power off (the agent answers first). */
    public void shutdown() {
        AgentChannels.checkOk(channels.call(request("shutdown"), false, options().callTimeout(), "shutdown").msg());
    }
}
