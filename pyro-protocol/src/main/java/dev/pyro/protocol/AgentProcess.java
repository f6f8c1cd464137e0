package dev.pyro.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;

/**
 * A process started by {@link AgentProcesses#spawn} (or re-attached with
 * {@link AgentProcesses#attach}). Output arrives on {@link #stdout()}/{@link #stderr()} (unbounded
 * buffers: set an output limit for untrusted commands) or on the {@link ProcessOutput} given at
 * spawn. {@link #exit()} completes after all output was delivered.
 */
public final class AgentProcess implements AgentChannels.ChannelHandler {
    private final AgentChannels conn;
    private final AgentProcesses processes;
    private final int channel;
    private final ProcessOutput sink;
    private final ByteQueueInputStream out = new ByteQueueInputStream();
    private final ByteQueueInputStream err = new ByteQueueInputStream();
    final CompletableFuture<JsonNode> started = new CompletableFuture<>();
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private volatile int processId;
    private volatile long pid;
    private volatile boolean pty;
    private volatile boolean stdinDropped;
    private volatile boolean abandoned;

    AgentProcess(AgentChannels conn, AgentProcesses processes, int channel, ProcessOutput sink) {
        this.conn = conn;
        this.processes = processes;
        this.channel = channel;
        this.sink = sink;
        if (sink != null) {
            out.finish();
            err.finish();
        }
    }

    /** The agent's id of this process (stable across reconnects of the same agent). */
    public int processId() {
        return processId;
    }

    /** The guest pid (also the process group and session id). */
    public long pid() {
        return pid;
    }

    public boolean isPty() {
        return pty;
    }

    /** Standard output (all output for a PTY). Empty if a {@link ProcessOutput} was given. */
    public InputStream stdout() {
        return out;
    }

    /** Standard error. Empty for a PTY or if a {@link ProcessOutput} was given. */
    public InputStream stderr() {
        return err;
    }

    /** Completes with the exit status, after all output; fails if the connection is lost. */
    public CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    public boolean isAlive() {
        return !exit.isDone();
    }

    /** Waits for the exit. */
    public ExitStatus waitFor(Duration timeout) {
        return conn.await(exit, timeout, "exit of process " + processId);
    }

    /** Whether the agent dropped stdin because the process did not read it (over 8 MiB queued). */
    public boolean stdinDropped() {
        return stdinDropped;
    }

    /** Sends bytes to the process's stdin (needs {@code stdin} or a PTY). */
    public void writeStdin(byte[] data) {
        writeStdin(data, 0, data.length);
    }

    public void writeStdin(byte[] data, int off, int len) {
        if (len == 0) return;
        conn.sendData(channel, FrameType.DATA, data, off, len);
    }

    public void writeStdin(String text) {
        writeStdin(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Closes stdin once the queued input is written (for a PTY: sends the EOF character). */
    public void closeStdin() {
        conn.sendData(channel, FrameType.EOF, new byte[0], 0, 0);
    }

    /** An OutputStream view of stdin; close() closes stdin. */
    public OutputStream stdin() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                writeStdin(new byte[] {(byte) b});
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writeStdin(b, off, len);
            }

            @Override
            public void close() {
                closeStdin();
            }
        };
    }

    /** Signals the process group (name such as "TERM", "KILL", "INT", or a number as text). */
    public void signal(String signal) {
        processes.signal(processId, signal, true);
    }

    /** Resizes the PTY (SIGWINCH reaches the foreground process group). */
    public void resize(int rows, int cols) {
        processes.resize(processId, rows, cols);
    }

    // ---- channel handler (reader thread) ----

    void abandon() {
        abandoned = true;
    }

    @Override
    public void onMessage(JsonNode msg) {
        if (!started.isDone()) {
            if (msg.path("ok").asBoolean(false)) {
                processId = msg.path("process_id").asInt();
                pid = msg.path("pid").asLong();
                pty = msg.path("pty").asBoolean(false);
                started.complete(msg);
                if (abandoned) processes.killQuietly(processId);
            } else {
                AgentException e = AgentChannels.errorOf(msg);
                started.completeExceptionally(e);
                finish(e);
            }
            return;
        }
        String event = msg.path("event").asString("");
        switch (event) {
            case "exit" -> {
                ExitStatus st = Json.convert(msg, ExitStatus.class);
                out.finish();
                err.finish();
                exit.complete(st);
                conn.release(channel, this);
            }
            case "detached" -> finish(new AgentException("detached", null,
                    "process " + processId + " was attached by another channel"));
            case "stdin_dropped" -> stdinDropped = true;
            default -> {
                if (msg.has("error")) finish(AgentChannels.errorOf(msg));
            }
        }
    }

    @Override
    public void onData(FrameType type, byte[] data) {
        if (type == FrameType.STDOUT) {
            if (sink != null) sink.onStdout(data);
            else out.append(data);
        } else if (type == FrameType.STDERR) {
            if (sink != null) sink.onStderr(data);
            else err.append(data);
        }
    }

    @Override
    public void onClose(AgentException cause) {
        finish(cause);
    }

    private void finish(AgentException cause) {
        started.completeExceptionally(cause);
        IOException io = new IOException(cause.getMessage());
        out.fail(io);
        err.fail(io);
        exit.completeExceptionally(cause);
        conn.release(channel, this);
    }
}
