package dev.pyro.mcp.transport;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stands between stdin/stdout and the SDK's stdio transport, which stops reading after one bad line.
 * Each input line is checked first: a line that is not JSON gets a JSON-RPC parse error (-32700, id
 * null), one that is JSON but no JSON-RPC message gets -32600, and the server keeps serving. Output
 * is written a whole line at a time. On stdin EOF the transport sees EOF only after every request it
 * was given has had its reply written, so no in-flight reply is lost.
 */
public final class StdioGuard {

    private static final Logger LOG = LoggerFactory.getLogger(StdioGuard.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final InputStream in;
    private final OutputStream out;
    private final McpJsonMapper mapper;
    private final Duration drainLimit;
    private final LineQueueInput transportIn = new LineQueueInput();
    private final LineOutput transportOut = new LineOutput();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final CountDownLatch ended = new CountDownLatch(1);

    public StdioGuard(InputStream in, OutputStream out, McpJsonMapper mapper, Duration drainLimit) {
        this.in = in;
        this.out = out;
        this.mapper = mapper;
        this.drainLimit = drainLimit;
    }

    /** What the SDK transport reads. */
    public InputStream transportInput() {
        return transportIn;
    }

    /** What the SDK transport writes. */
    public OutputStream transportOutput() {
        return transportOut;
    }

    /** Starts reading stdin on a daemon thread. */
    public void start() {
        Thread reader = new Thread(this::pump, "pyro-mcp-stdin");
        reader.setDaemon(true);
        reader.start();
    }

    /** Blocks until stdin ended and the replies in flight were written (or the drain limit passed). */
    public void awaitEnd() throws InterruptedException {
        ended.await();
    }

    private void pump() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                accept(line);
            }
        } catch (IOException e) {
            LOG.warn("reading stdin failed: {}", e.toString());
        } finally {
            drain();
            transportIn.end();
            ended.countDown();
        }
    }

    private void accept(String line) {
        if (line.isBlank()) {
            return;
        }
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (RuntimeException e) {
            writeError(null, -32700, "Parse error: the line is not valid JSON");
            return;
        }
        Object id = JsonRpcShape.replyId(node, JSON);
        try {
            JsonRpcShape.check(node);
        } catch (IllegalArgumentException e) {
            writeError(id, -32600, "Invalid Request: not a JSON-RPC 2.0 message (" + e.getMessage() + ")");
            return;
        }
        try {
            McpSchema.deserializeJsonRpcMessage(mapper, line);
        } catch (IOException | RuntimeException e) {
            // the SDK's reason names Java types: not for the client
            writeError(id, -32600, "Invalid Request: not a JSON-RPC 2.0 request, notification or response");
            return;
        }
        String params = JsonRpcShape.paramsProblem(node);
        if (params != null) {
            writeError(id, -32602, "Invalid params: " + params);
            return;
        }
        if (node.has("method") && node.has("id")) {
            pending.add(node.get("id").toString());
        }
        transportIn.offer((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void drain() {
        long deadline = System.nanoTime() + drainLimit.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!pending.isEmpty()) {
            LOG.warn("stdin closed; {} request(s) still unanswered after {}", pending.size(), drainLimit);
        }
    }

    private void writeError(Object id, int code, String message) {
        Map<String, Object> error = new java.util.LinkedHashMap<>();
        error.put("jsonrpc", "2.0");
        error.put("id", id);
        error.put("error", new java.util.TreeMap<>(Map.of("code", code, "message", message))); // code, message: the same every run
        writeLine(JSON.writeValueAsBytes(error));
    }

    private synchronized void writeLine(byte[] line) {
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Collects the transport's bytes up to each newline, then writes the whole line and notes its reply id. */
    private final class LineOutput extends OutputStream {

        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                emit();
            } else {
                buffer.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int start = off;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    buffer.write(b, start, i - start);
                    emit();
                    start = i + 1;
                }
            }
            buffer.write(b, start, off + len - start);
        }

        private void emit() {
            byte[] line = buffer.toByteArray();
            buffer.reset();
            if (line.length == 0) {
                return;
            }
            JsonNode node = null;
            try {
                node = JSON.readTree(line);
            } catch (RuntimeException e) {
                // not ours to judge: the SDK wrote it
            }
            JsonNode cleaned = node == null ? null : JsonRpcShape.cleanedReply(node);
            if (cleaned != null) {
                LOG.warn("internal error answered to the client: {}", node.path("error").path("message").asString(""));
            }
            writeLine(cleaned == null ? line : JSON.writeValueAsBytes(cleaned));
            if (node != null && node.has("id") && !node.has("method")) {
                pending.remove(node.get("id").toString());
            }
        }

        @Override
        public void flush() {
            // lines are flushed as they complete
        }
    }
}
