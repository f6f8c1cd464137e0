package dev.pyro.engine.server;

import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Json;
import dev.pyro.api.Progress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the lines of one response. Progress comes from the request's thread and output from the
 * agent's reader thread, so writes are serialized. A failed write only stops further writes: the
 * connection's watcher sees the same closed socket and cancels the request.
 */
final class ResponseWriter implements EventSink {

    private record ResultLine(Object result) {
    }

    private record ErrorLine(EngineProtocol.Error error) {
    }

    private final SocketChannel channel;
    private boolean broken;

    ResponseWriter(SocketChannel channel) {
        this.channel = channel;
    }

    void accepted(long pid) {
        write(event(EngineProtocol.ACCEPTED, "pid", pid));
    }

    void result(Object value) {
        write(new ResultLine(value));
    }

    void error(String message, String kind, boolean internal) {
        write(new ErrorLine(new EngineProtocol.Error(message, kind, internal)));
    }

    @Override
    public void phase(String phase, String detail) {
        write(event(EngineProtocol.PHASE, "phase", phase, "detail", detail));
    }

    @Override
    public void step(long done, long total, String message) {
        write(event(EngineProtocol.STEP, "done", done, "total", total, "message", message));
    }

    @Override
    public void stdout(byte[] data) {
        write(event(EngineProtocol.STDOUT, "data", Base64.getEncoder().encodeToString(data)));
    }

    @Override
    public void stderr(byte[] data) {
        write(event(EngineProtocol.STDERR, "data", Base64.getEncoder().encodeToString(data)));
    }

    private static Map<String, Object> event(String name, Object... fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", name);
        for (int i = 0; i < fields.length; i += 2) {
            line.put((String) fields[i], fields[i + 1]);
        }
        return line;
    }

    private synchronized void write(Object line) {
        if (broken) {
            return;
        }
        byte[] json = Json.MAPPER.writeValueAsBytes(line);
        ByteBuffer buffer = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            broken = true;
        }
    }
}
