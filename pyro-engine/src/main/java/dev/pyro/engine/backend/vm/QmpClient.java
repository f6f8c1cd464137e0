package dev.pyro.engine.backend.vm;

import dev.pyro.api.Json;
import dev.pyro.protocol.ErrorText;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A minimal QMP (QEMU's JSON monitor) client on a Unix socket: enough to pause a guest, save its
 * state to a file, load one and resume. One command at a time; asynchronous events are skipped.
 */
final class QmpClient implements AutoCloseable {

    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    private QmpClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    /**
     * Connects (retrying until {@code wait} while QEMU has not opened the socket, unless {@code alive}
     * says it exited) and negotiates.
     */
    static QmpClient connect(Path socket, Duration wait, java.util.function.BooleanSupplier alive)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
                QmpClient client = new QmpClient(channel);
                client.readLine(); // the greeting
                client.execute("qmp_capabilities", null);
                return client;
            } catch (IOException e) {
                channel.close();
                if (System.nanoTime() > deadline || !alive.getAsBoolean()) {
                    throw new IOException("QEMU's monitor " + socket + " did not answer: " + ErrorText.of(e), e);
                }
                Thread.sleep(10);
            }
        }
    }

    /** Runs one command and returns its {@code return} value; a QMP error becomes an IOException. */
    JsonNode execute(String command, ObjectNode arguments) throws IOException {
        ObjectNode request = Json.MAPPER.createObjectNode().put("execute", command);
        if (arguments != null) {
            request.set("arguments", arguments);
        }
        out.write((Json.MAPPER.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (true) {
            JsonNode reply = readLine();
            if (reply.has("return")) {
                return reply.get("return");
            }
            if (reply.has("error")) {
                throw new IOException("QEMU " + command + ": " + reply.get("error").path("desc").asString());
            }
            // an event ({"event": ...}): not an answer
        }
    }

    /**
     * Polls {@code query-migrate} until the migration completed; a failed one, or one still running
     * at {@code timeout}, throws.
     */
    void awaitMigration(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode status = execute("query-migrate", null);
            String state = status.path("status").asString("");
            switch (state) {
                case "completed" -> {
                    return;
                }
                case "failed", "cancelled" -> throw new IOException("QEMU migration " + state
                        + (status.has("error-desc") ? ": " + status.get("error-desc").asString() : ""));
                default -> {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("QEMU migration still '" + state + "' after " + timeout.toMillis() + " ms");
                    }
                    Thread.sleep(5);
                }
            }
        }
    }

    private JsonNode readLine() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("QEMU closed its monitor");
        }
        return Json.MAPPER.readTree(line);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to release
        }
    }
}
