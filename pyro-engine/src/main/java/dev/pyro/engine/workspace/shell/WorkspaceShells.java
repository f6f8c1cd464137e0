package dev.pyro.engine.workspace.shell;

import dev.pyro.api.Defaults;
import dev.pyro.api.workspace.shell.ShellInfo;
import dev.pyro.api.state.ShellState;
import dev.pyro.api.ids.WorkspaceId;
import dev.pyro.api.PyroException;
import dev.pyro.api.Json;
import dev.pyro.engine.workspace.WorkspaceContext;
import dev.pyro.engine.workspace.WorkspaceRecord;
import dev.pyro.engine.workspace.WorkspaceSecrets;
import dev.pyro.engine.workspace.files.WorkspacePath;
import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentException;
import dev.pyro.protocol.AgentProcess;
import dev.pyro.protocol.ExitStatus;
import dev.pyro.protocol.SpawnRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Interactive PTY shells in workspaces (spec §7.4): several per workspace, held by the engine so any
 * client can read, write or signal a shell by id. Output reads take a cursor into the raw buffer,
 * optionally rendered plain and batched until the shell has been quiet for a while.
 */
public final class WorkspaceShells {

    private static final Set<String> SIGNALS = Set.of("HUP", "INT", "TERM", "KILL");
    private static final Duration CALL = Duration.ofSeconds(30);
    private static final long IDLE_CAP_MILLIS = 15_000;

    private final WorkspaceContext context;
    private final Map<String, Map<String, ShellSession>> shells = new ConcurrentHashMap<>();

    public WorkspaceShells(WorkspaceContext context) {
        this.context = context;
        context.onSandboxEnding(this::closeAll);
    }

    public ShellInfo open(String id, String rawCwd, int cols, int rows, Map<String, String> secretEnv) {
        if (cols <= 0) {
            throw PyroException.invalid("cols must be positive");
        }
        if (rows <= 0) {
            throw PyroException.invalid("rows must be positive");
        }
        WorkspaceRecord record = context.requireStarted(id, "shell operations");
        String cwd = WorkspacePath.normalize(rawCwd == null ? WorkspacePath.ROOT_PATH : rawCwd, "cwd").value();
        Path dir = context.store().dir(WorkspaceId.of(id));
        Map<String, String> env = new LinkedHashMap<>(WorkspaceSecrets.environment(dir, record.secretList(), secretEnv));
        env.put("TERM", "xterm-256color");
        env.put("PS1", "pyro$ ");
        env.put("PROMPT_COMMAND", "");
        AgentConnection agent = context.agent(record);
        if (secretEnv != null && !secretEnv.isEmpty()) {
            try {
                WorkspaceSecrets.install(agent, dir, record.secretList());
            } catch (IOException e) {
                throw PyroException.runtime("installing the workspace's secrets failed", e);
            }
        }
        String shellId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        ShellInfo info = new ShellInfo(id, shellId, cwd, cols, rows, ShellState.RUNNING.value(), context.clock().getAsDouble(), null,
                null, record.executionMode(), null, null, null, null, null, null, null, null);
        ShellSession session = new ShellSession(info);
        SpawnRequest request = SpawnRequest.of(List.of("/bin/bash", "--noprofile", "--norc", "-i"))
                .withCwd(cwd).withEnv(env).withPty(rows, cols);
        AgentProcess process = agent.processes().spawn(request, session, CALL);
        session.process = process;
        process.exit().whenComplete((status, error) -> finished(session, status));
        shells.computeIfAbsent(id, k -> new ConcurrentHashMap<>()).put(shellId, session);
        persist(session);
        context.touch(id);
        return session.info;
    }

    public ShellInfo read(String id, String shellId, int cursor, int maxChars, boolean plain, Integer waitForIdleMs) {
        if (cursor < 0) {
            throw PyroException.invalid("cursor must not be negative");
        }
        if (maxChars <= 0) {
            throw PyroException.invalid("max_chars must be positive");
        }
        ShellSession session = session(id, shellId);
        if (waitForIdleMs != null && waitForIdleMs > 0) {
            waitForIdle(session, waitForIdleMs);
        }
        List<String> secrets = WorkspaceSecrets.values(context.store().dir(WorkspaceId.of(id)), context.live(id).secretList());
        int length = session.length();
        int from = Math.min(cursor, length);
        String raw = session.slice(from, maxChars);
        int next = from + raw.length();
        String shown = WorkspaceSecrets.redact(plain ? PlainRenderer.render(raw) : raw, secrets);
        return session.info.read(from, next, shown, next < length); // reads do not count as activity
    }

    private static void waitForIdle(ShellSession session, int idleMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(idleMs, IDLE_CAP_MILLIS));
        long idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMs);
        try {
            while (System.nanoTime() < deadline && session.quietNanos() < idleNanos && session.running()) {
                Thread.sleep(Math.min(50, idleMs));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public ShellInfo write(String id, String shellId, String input, boolean appendNewline) {
        ShellSession session = running(id, shellId);
        String text = input == null ? "" : input;
        session.process.writeStdin(appendNewline ? text + "\n" : text);
        context.touch(id);
        return session.info.wrote(text.length(), appendNewline);
    }

    public ShellInfo signal(String id, String shellId, String signalName) {
        String name = signalName == null ? "INT" : signalName.toUpperCase(java.util.Locale.ROOT);
        if (!SIGNALS.contains(name)) {
            throw PyroException.invalid("signal_name must be one of: HUP, INT, TERM, KILL");
        }
        ShellSession session = running(id, shellId);
        if (name.equals("INT")) {
            // Ctrl-C through the terminal: the line discipline interrupts the foreground job (a
            // command bash started in its own process group), as a user's keypress would.
            session.process.writeStdin("\u0003");
        } else {
            session.process.signal(name);
        }
        context.touch(id);
        return session.info.signalled(name);
    }

    /** SIGHUP to the shell's process group, up to 5 s to exit, then SIGKILL; the record goes. */
    public ShellInfo close(String id, String shellId) {
        ShellSession session = session(id, shellId);
        stop(session);
        Map<String, ShellSession> byId = shells.get(id);
        if (byId != null) {
            byId.remove(shellId);
        }
        try {
            Files.deleteIfExists(recordFile(id, shellId));
        } catch (IOException e) {
            // a stale record is replaced or removed with the workspace
        }
        context.touch(id);
        return session.info.closedNow();
    }

    /** Every shell of a workspace ends with its sandbox (stop, reset, delete). */
    private void closeAll(String id) {
        Map<String, ShellSession> byId = shells.remove(id);
        if (byId != null) {
            byId.values().forEach(WorkspaceShells::stop);
        }
        try {
            dev.pyro.engine.cache.FileTrees.deleteRecursively(context.store().dir(WorkspaceId.of(id)).resolve("shells"));
        } catch (IOException e) {
            // removed with the workspace dir at the latest
        }
    }

    private static void stop(ShellSession session) {
        AgentProcess process = session.process;
        if (process == null || process.exit().isDone()) {
            return;
        }
        try {
            process.signal("HUP");
            process.exit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            try {
                process.signal("KILL");
            } catch (AgentException gone) {
                // the guest is going away anyway
            }
        }
    }

    private void finished(ShellSession session, ExitStatus status) {
        ShellInfo i = session.info;
        session.info = new ShellInfo(i.workspaceId(), i.shellId(), i.cwd(), i.cols(), i.rows(), ShellState.STOPPED.value(), i.startedAt(),
                context.clock().getAsDouble(), status == null ? null : status.shellCode(), i.executionMode(),
                null, null, null, null, null, null, null, null);
        if (shells.getOrDefault(i.workspaceId(), Map.of()).containsKey(i.shellId())) {
            persist(session);
        }
    }

    private ShellSession session(String id, String shellId) {
        context.requireStarted(id, "shell operations");
        ShellSession session = shells.getOrDefault(id, Map.of()).get(shellId);
        if (session == null) {
            throw PyroException.invalid("shell '" + shellId + "' does not exist in workspace '" + id + "'");
        }
        return session;
    }

    private ShellSession running(String id, String shellId) {
        ShellSession session = session(id, shellId);
        if (!session.running()) {
            throw PyroException.invalid("shell " + shellId + " is not running");
        }
        return session;
    }

    private Path recordFile(String id, String shellId) {
        return context.store().dir(WorkspaceId.of(id)).resolve("shells")
                .resolve(dev.pyro.api.ids.ShellId.of(shellId).value() + ".json"); // never a path from an unchecked id
    }

    private void persist(ShellSession session) {
        try {
            Path file = recordFile(session.info.workspaceId(), session.info.shellId());
            Files.createDirectories(file.getParent());
            Json.writeFile(file, session.info);
        } catch (IOException | RuntimeException e) {
            // the in-memory shell stays usable; the record is informational
        }
    }
}
