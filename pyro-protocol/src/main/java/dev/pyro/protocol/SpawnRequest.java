package dev.pyro.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A {@code spawn} request. The agent runs {@code argv} (argv[0] looked up on PATH) in a new
 * session and process group, with pipes (stdin from /dev/null unless {@code stdin}) or a PTY.
 *
 * @param argv the command; non-empty
 * @param cwd absolute working directory, or null for the agent's ("/")
 * @param env variables to set on top of the agent's environment; a null value unsets one. Names
 *     must match {@link Protocol#ENV_NAME_PATTERN} or the agent rejects the spawn
 *     ({@code invalid_env})
 * @param clearEnv start from an empty environment instead of the agent's
 * @param pty run on a new pseudo-terminal of this size (stdout carries all output), or null
 * @param stdin give the process a stdin pipe (otherwise /dev/null); a PTY always has input
 * @param outputLimitBytes after this many stdout+stderr bytes the agent discards output and
 *     reports {@code truncated}; null for no limit
 */
public record SpawnRequest(List<String> argv, String cwd, Map<String, String> env, boolean clearEnv, PtySize pty,
                           boolean stdin, Long outputLimitBytes) {
    public SpawnRequest {
        Objects.requireNonNull(argv, "argv");
        if (argv.isEmpty()) throw new IllegalArgumentException("argv must not be empty");
        argv = List.copyOf(argv);
        env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
        if (outputLimitBytes != null && outputLimitBytes < 0) {
            throw new IllegalArgumentException("outputLimitBytes must not be negative");
        }
    }

    public static SpawnRequest of(String... argv) {
        return new SpawnRequest(List.of(argv), null, null, false, null, false, null);
    }

    public static SpawnRequest of(List<String> argv) {
        return new SpawnRequest(argv, null, null, false, null, false, null);
    }

    public SpawnRequest withCwd(String cwd) {
        return new SpawnRequest(argv, cwd, env, clearEnv, pty, stdin, outputLimitBytes);
    }

    public SpawnRequest withEnv(Map<String, String> env) {
        return new SpawnRequest(argv, cwd, env, clearEnv, pty, stdin, outputLimitBytes);
    }

    public SpawnRequest withClearEnv(boolean clearEnv) {
        return new SpawnRequest(argv, cwd, env, clearEnv, pty, stdin, outputLimitBytes);
    }

    public SpawnRequest withPty(PtySize pty) {
        return new SpawnRequest(argv, cwd, env, clearEnv, pty, stdin, outputLimitBytes);
    }

    public SpawnRequest withPty(int rows, int cols) {
        return withPty(new PtySize(rows, cols));
    }

    public SpawnRequest withStdin(boolean stdin) {
        return new SpawnRequest(argv, cwd, env, clearEnv, pty, stdin, outputLimitBytes);
    }

    public SpawnRequest withOutputLimit(Long outputLimitBytes) {
        return new SpawnRequest(argv, cwd, env, clearEnv, pty, stdin, outputLimitBytes);
    }

    /** The request object (without channel framing). */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("op", "spawn");
        ArrayNode a = o.putArray("argv");
        argv.forEach(a::add);
        if (cwd != null) o.put("cwd", cwd);
        if (!env.isEmpty()) {
            ObjectNode e = o.putObject("env");
            env.forEach((k, v) -> {
                if (v == null) e.putNull(k);
                else e.put(k, v);
            });
        }
        if (clearEnv) o.put("clear_env", true);
        if (pty != null) o.putObject("pty").put("rows", pty.rows()).put("cols", pty.cols());
        if (stdin) o.put("stdin", true);
        if (outputLimitBytes != null) o.put("output_limit_bytes", outputLimitBytes);
        return o;
    }
}
