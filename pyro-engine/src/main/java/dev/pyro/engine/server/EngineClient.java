package dev.pyro.engine.server;

import dev.pyro.api.OutputListener;
import dev.pyro.api.PyroException;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Json;
import dev.pyro.api.Progress;
import dev.pyro.api.engine.NoParams;
import dev.pyro.api.engine.Operation;
import dev.pyro.api.engine.Operations;
import dev.pyro.api.engine.EngineInfo;
import dev.pyro.protocol.ErrorText;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;

/**
 * Talks to the engine of a state dir over its socket, starting it when none answers. Errors of the
 * engine come back as {@link PyroException}s of the same kind and message; output and progress
 * events go to the given listeners as they arrive.
 */
public final class EngineClient implements EngineCalls {

    private static final int ATTEMPTS = 5;

    private final EngineFiles files;
    private final EngineLauncher launcher;
    private final String build;
    private volatile boolean checked;

    public EngineClient(PyroPaths paths) {
        this(paths, Map.of());
    }

    /** {@code engineEnv}: extra environment for an engine this client starts (e.g. PYRO_ENGINE_IDLE_SECONDS). */
    public EngineClient(PyroPaths paths, Map<String, String> engineEnv) {
        this(paths, engineEnv, EngineBuild.current());
    }

    EngineClient(PyroPaths paths, Map<String, String> engineEnv, String build) {
        this.files = new EngineFiles(paths.stateDir());
        this.launcher = new EngineLauncher(paths, engineEnv);
        this.build = build;
    }

    public EngineInfo ping() {
        return call(Operations.PING, NoParams.INSTANCE);
    }

    @Override
    public <P, R> R call(Operation<P, R> operation, P params, Progress progress, OutputListener output) {
        JavaType type = operation.element() == null ? Json.MAPPER.constructType(operation.result())
                : Json.MAPPER.getTypeFactory().constructCollectionType(java.util.List.class, operation.element());
        return call(operation.name(), params, type, progress, output);
    }

    @Override
    public <T> T call(String method, Object params, Class<T> type, Progress progress, OutputListener output) {
        return call(method, params, Json.MAPPER.constructType(type), progress, output);
    }

    /** For generic results, e.g. {@code Json.MAPPER.getTypeFactory().constructCollectionType(List.class, X.class)}. */
    public <T> T call(String method, Object params, JavaType type, Progress progress, OutputListener output) {
        ensureCurrentEngine();
        JsonNode result = deliver(method, params, progress, output, true)
                .orElseThrow(() -> unreachable(method));
        try {
            return Json.MAPPER.treeToValue(result, type);
        } catch (JacksonException e) {
            throw new IllegalStateException("unexpected answer of the pyro engine to " + method + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * Asks the running engine (if any) to stop and waits until it has: requests in flight get up to
     * 30 s, running sandboxes stay for the next engine. Returns false when no engine answered.
     */
    public boolean shutdown() {
        Optional<JsonNode> answer = deliver(Operations.SHUTDOWN.name(), Map.of(), Progress.NONE, OutputListener.NONE,
                false);
        answer.ifPresent(info -> EngineLauncher.awaitExit(info.path("pid").asLong(),
                EngineLauncher.OLD_ENGINE_TIMEOUT));
        return answer.isPresent();
    }

    /**
     * Once per client: an engine started from other code (a rebuilt pyro.jar) is asked to stop and
     * a current one started, so nobody talks to stale code for the rest of its idle timeout.
     */
    private void ensureCurrentEngine() {
        if (checked) {
            return;
        }
        synchronized (this) {
            if (checked) {
                return;
            }
            launcher.checkSettings();
            JsonNode node = deliver(Operations.PING.name(), Map.of(), Progress.NONE, OutputListener.NONE, true)
                    .orElseThrow(() -> unreachable(Operations.PING.name()));
            EngineInfo info = Json.MAPPER.treeToValue(node, EngineInfo.class);
            if (!build.equals(info.build())) {
                deliver(Operations.SHUTDOWN.name(), Map.of(), Progress.NONE, OutputListener.NONE, false);
                EngineLauncher.awaitExit(info.pid(), EngineLauncher.OLD_ENGINE_TIMEOUT);
                launcher.ensureRunning();
            }
            checked = true;
        }
    }

    /** The result, or empty when no engine answered and {@code start} is false. */
    private Optional<JsonNode> deliver(String method, Object params, Progress progress, OutputListener output,
                                       boolean start) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            SocketChannel channel = connect();
            if (channel == null) {
                if (!start) {
                    return Optional.empty();
                }
                launcher.ensureRunning();
                continue;
            }
            try (channel) {
                Optional<JsonNode> result = exchange(channel, method, params, progress, output);
                if (result.isPresent()) {
                    return result;
                }
                // Closed without taking the request: an engine stopping at that moment. Try again.
            } catch (IOException e) {
                // closing the connection failed: irrelevant once we have (or lack) the answer
            }
        }
        throw unreachable(method);
    }

    private SocketChannel connect() {
        Path socket = files.socket();
        try {
            checkOwner(socket);
            return EngineSocket.connect(socket);
        } catch (IOException e) {
            return null;
        }
    }

    /** The socket must be this user's: the state dir could be shared, and an engine runs commands. */
    private static void checkOwner(Path socket) throws IOException {
        Object owner = Files.getAttribute(socket, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (!owner.equals(self)) {
            throw PyroException.runtime("refusing to use " + socket + ": it belongs to uid " + owner
                    + ", not to this user (uid " + self + ")", null);
        }
    }

    /** Empty when the engine closed the connection before accepting the request (safe to retry). */
    private Optional<JsonNode> exchange(SocketChannel channel, String method, Object params, Progress progress,
                                        OutputListener output) {
        BufferedReader reader;
        String first;
        try {
            byte[] request = Json.MAPPER.writeValueAsBytes(new EngineProtocol.Request(method, params));
            if (request.length >= EngineProtocol.MAX_REQUEST_BYTES) {
                throw PyroException.invalid("the " + method + " request is " + request.length + " bytes, over the "
                        + "engine's limit of " + EngineProtocol.MAX_REQUEST_BYTES + " bytes; send less at once");
            }
            ByteBuffer buffer = ByteBuffer.allocate(request.length + 1).put(request).put((byte) '\n').flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            // Only this thread reads, and it writes nothing more: a plain stream is fine here.
            reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            first = reader.readLine();
        } catch (IOException e) {
            return Optional.empty();
        }
        if (first == null) {
            return Optional.empty();
        }
        try {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                JsonNode node = Json.MAPPER.readTree(line);
                if (node.has("event")) {
                    onEvent(node, progress, output);
                } else if (node.has("result")) {
                    return Optional.of(node.get("result"));
                } else if (node.has("error")) {
                    throw toException(node.get("error"));
                }
            }
        } catch (ClosedByInterruptException e) {
            throw PyroException.runtime("interrupted while the pyro engine handled " + method
                    + "; the closed connection cancels it (a run's VM is deleted)", e);
        } catch (IOException e) {
            throw lost(method, ErrorText.of(e));
        }
        throw lost(method, "the connection closed before the answer");
    }

    private static void onEvent(JsonNode event, Progress progress, OutputListener output) {
        switch (event.path("event").asString("")) {
            case EngineProtocol.PHASE -> progress.phase(event.path("phase").asString(""), text(event, "detail"));
            case EngineProtocol.STEP -> progress.step(event.path("done").asLong(), event.path("total").asLong(),
                    text(event, "message"));
            case EngineProtocol.STDOUT -> output.stdout(Base64.getDecoder().decode(event.path("data").asString("")));
            case EngineProtocol.STDERR -> output.stderr(Base64.getDecoder().decode(event.path("data").asString("")));
            default -> {
                // accepted, and events of newer engines: nothing to do
            }
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    /** The engine's error as the exception the in-process engine would have thrown. */
    private static RuntimeException toException(JsonNode error) {
        String message = text(error, "message");
        if (error.path("internal").asBoolean(false)) {
            return new IllegalStateException(message);
        }
        PyroException.Kind kind;
        try {
            kind = PyroException.Kind.valueOf(error.path("kind").asString("RUNTIME"));
        } catch (IllegalArgumentException e) {
            kind = PyroException.Kind.RUNTIME;
        }
        return new PyroException(kind, message);
    }

    private PyroException lost(String method, String why) {
        return PyroException.runtime("lost the pyro engine while it handled " + method + " (" + why + "); see "
                + files.log(), null);
    }

    private PyroException unreachable(String method) {
        return PyroException.runtime("the pyro engine at " + files.socket() + " did not take the " + method
                + " request; see " + files.log(), null);
    }

    /** One connection per call: nothing is held open. */
    @Override
    public void close() {
    }
}
