package dev.pyro.protocol;

import java.io.InputStream;
import java.time.Duration;
import tools.jackson.databind.node.ObjectNode;

/**
 * Streams a {@code write_tree}: directory, file and symlink entries in order, then
 * {@link #finish}. The agent creates missing parents, replaces existing non-directories (unless
 * overwrite is off), and applies directory modes and mtimes at the end. It validates nothing
 * else: check paths, types and sizes before writing them here. Not thread-safe.
 */
public final class TreeWriter implements AutoCloseable {
    private final AgentChannels conn;
    private final int channel;
    private final AgentChannels.CallHandler handler;
    private boolean done;

    TreeWriter(AgentChannels conn, int channel, AgentChannels.CallHandler handler) {
        this.conn = conn;
        this.channel = channel;
        this.handler = handler;
    }

    /** A directory; mode and mtime (ns since the epoch) may be null. */
    public TreeWriter dir(String path, Integer mode, Long mtimeNs) {
        ObjectNode e = entry("dir", path, mode, mtimeNs);
        return entry(e);
    }

    /** A regular file with its content. */
    public TreeWriter file(String path, Integer mode, Long mtimeNs, byte[] content) {
        ObjectNode e = entry("file", path, mode, mtimeNs);
        e.put("length", content.length);
        entry(e);
        if (content.length > 0 && !failed()) conn.sendData(channel, FrameType.DATA, content, 0, content.length);
        return this;
    }

    /** A regular file of exactly {@code length} bytes read from {@code in}. */
    public TreeWriter file(String path, Integer mode, Long mtimeNs, long length, InputStream in) {
        ObjectNode e = entry("file", path, mode, mtimeNs);
        e.put("length", length);
        entry(e);
        if (!failed()) conn.streamData(channel, in, length, "write_tree " + path, handler.future);
        return this;
    }

    /** A symbolic link. */
    public TreeWriter symlink(String path, String target, Long mtimeNs) {
        ObjectNode e = entry("symlink", path, null, mtimeNs);
        e.put("target", target);
        return entry(e);
    }

    /** A raw entry object (for fields such as uid/gid); a file entry must be followed by its data. */
    public TreeWriter entry(ObjectNode entry) {
        if (done) throw new IllegalStateException("tree already finished");
        if (!failed()) conn.sendMessage(channel, entry);
        return this;
    }

    /**
     * Whether the agent already reported a failure: later entries are not sent, and
     * {@link #finish} throws it.
     */
    public boolean failed() {
        return handler.future.isDone();
    }

    /** Sends the end marker and waits for the result; throws {@link TreeWriteException} on failure. */
    public TreeResult finish(Duration timeout) {
        if (done) throw new IllegalStateException("tree already finished");
        ObjectNode end = Json.object();
        end.put("type", "end");
        conn.sendMessage(channel, end);
        done = true;
        AgentChannels.Reply r = conn.await(handler.future, timeout, "write_tree");
        if (!r.msg().path("ok").asBoolean(false)) {
            AgentException base = AgentChannels.errorOf(r.msg());
            throw new TreeWriteException(base.code(), base.errno(), base.getMessage(), r.msg().path("index").asLong(-1),
                    r.msg().path("path").asString(null), r.msg().path("entries").asLong(0));
        }
        return new TreeResult(r.msg().path("entries").asLong(), r.msg().path("bytes").asLong());
    }

    /** Abandons an unfinished tree (the agent stops and reports nothing further). */
    @Override
    public void close() {
        if (!done) {
            done = true;
            try {
                conn.sendData(channel, FrameType.EOF, new byte[0], 0, 0);
            } catch (AgentException ignored) {
                // connection already gone
            }
            conn.release(channel, handler);
        }
    }

    private static ObjectNode entry(String type, String path, Integer mode, Long mtimeNs) {
        ObjectNode e = Json.object();
        e.put("type", type);
        e.put("path", path);
        if (mode != null) e.put("mode", mode);
        if (mtimeNs != null) e.put("mtime_ns", mtimeNs);
        return e;
    }

}
