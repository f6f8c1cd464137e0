package dev.pyro.engine.server;

/**
 * The engine's wire protocol, shared by {@link EngineServer} and {@link EngineClient}: one request per
 * connection, newline-delimited JSON (snake_case, {@code Json.MAPPER}).
 *
 * <pre>
 * client → {"method": "run_in_vm", "params": {...}}
 * engine ← {"event": "accepted", "pid": 123}             first line once the engine took the request
 *        ← {"event": "phase", "phase": "create", "detail": "environment=debian:12"}
 *        ← {"event": "step", "done": 3, "total": 10, "message": "..."}
 *        ← {"event": "stdout"|"stderr", "data": "&lt;base64&gt;"}
 *        ← {"result": ...}   or   {"error": {"message": "...", "kind": "INVALID_INPUT"|"RUNTIME", "internal": false}}
 * </pre>
 *
 * A connection closed before {@code accepted} was never served, so the client may retry it. The
 * client keeps its side open until the final line: the engine takes a closed connection during
 * {@code run_in_vm} or {@code exec_vm} as the caller being gone (Ctrl-C) and deletes that VM.
 */
public final class EngineProtocol {

    public static final int VERSION = 1;

    /**
     * The largest request line the engine reads. Above every input limit once JSON-escaped (a 1 MiB
     * file write of control characters is 6 MiB as \\u0001...), so the operations' own size errors
     * are what callers see; clients refuse bigger requests before sending them.
     */
    public static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    // methods: one constant per operation in dev.pyro.api.engine.Operations

    // events
    public static final String ACCEPTED = "accepted";
    public static final String PHASE = "phase";
    public static final String STEP = "step";
    public static final String STDOUT = "stdout";
    public static final String STDERR = "stderr";

    private EngineProtocol() {
    }

    /** One line from the client. */
    public record Request(String method, Object params) {
    }

    /** The error of a final line; {@code internal} marks a bug (anything but a PyroException). */
    public record Error(String message, String kind, boolean internal) {
    }
}
