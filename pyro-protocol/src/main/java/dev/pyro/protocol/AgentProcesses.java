package dev.pyro.protocol;

import static dev.pyro.protocol.AgentChannels.checkOk;
import static dev.pyro.protocol.AgentConnection.request;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The process operations of an agent connection (spawn, attach, list_processes, signal, resize).
 * A spawned or attached process keeps its channel for its output and exit ({@link AgentProcess}).
 * Get it from {@link AgentConnection#processes()}. Thread-safe.
 */
public final class AgentProcesses {
    private final AgentChannels channels;

    AgentProcesses(AgentChannels channels) {
        this.channels = channels;
    }

    public AgentProcess spawn(SpawnRequest req) {
        return spawn(req, null, channels.options().callTimeout());
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
        return attach(processId, null, channels.options().callTimeout());
    }

    public AgentProcess attach(int processId, ProcessOutput sink, Duration timeout) {
        ObjectNode r = request("attach");
        r.put("process_id", processId);
        return startProcess(r, sink, timeout, "attach");
    }

    private AgentProcess startProcess(ObjectNode req, ProcessOutput sink, Duration timeout, String what) {
        AgentProcess p = null;
        int ch = 0;
        while (p == null || !channels.claim(ch, p)) {
            ch = channels.allocateChannel();
            p = new AgentProcess(channels, this, ch, sink);
        }
        try {
            channels.sendMessage(ch, req);
        } catch (AgentException e) {
            channels.release(ch, p);
            throw e;
        }
        try {
            channels.await(p.started, timeout, what);
        } catch (AgentTimeoutException e) {
            p.abandon();
            throw e;
        }
        return p;
    }

    /** Processes the agent knows: running ones and exited ones nobody collected. */
    public List<ProcessInfo> listProcesses() {
        JsonNode m = checkOk(channels.call(request("list_processes"), false, channels.options().callTimeout(), "list_processes").msg());
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
        checkOk(channels.call(r, false, channels.options().callTimeout(), "signal").msg());
    }

    public void resize(int processId, int rows, int cols) {
        ObjectNode r = request("resize");
        r.put("process_id", processId);
        r.put("rows", rows);
        r.put("cols", cols);
        checkOk(channels.call(r, false, channels.options().callTimeout(), "resize").msg());
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
}
