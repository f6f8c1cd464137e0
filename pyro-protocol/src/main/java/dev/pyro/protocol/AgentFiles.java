package dev.pyro.protocol;

import static dev.pyro.protocol.AgentChannels.checkOk;
import static dev.pyro.protocol.AgentConnection.request;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The file operations of an agent connection (stat, list, read, write, mkdir, delete, rename,
 * symlink, readlink, write_tree, sync): one request per call on its own channel of
 * {@link AgentChannels}. Get it from {@link AgentConnection#files()}. Thread-safe.
 */
public final class AgentFiles {
    private final AgentChannels channels;

    AgentFiles(AgentChannels channels) {
        this.channels = channels;
    }

    public FileStat stat(String path) {
        return stat(path, false, channels.options().callTimeout());
    }

    /** Stats a path ({@code lstat} unless {@code follow}). */
    public FileStat stat(String path, boolean follow, Duration timeout) {
        ObjectNode r = request("stat");
        r.put("path", path);
        if (follow) r.put("follow", true);
        return Json.convert(checkOk(channels.call(r, false, timeout, "stat").msg()), FileStat.class);
    }

    public DirListing list(String path) {
        return list(path, 0, channels.options().callTimeout());
    }

    /** Lists a directory (sorted by name, not following symlinks); limit 0 = the agent default (100000). */
    public DirListing list(String path, int limit, Duration timeout) {
        ObjectNode r = request("list");
        r.put("path", path);
        if (limit > 0) r.put("limit", limit);
        return Json.convert(checkOk(channels.call(r, false, timeout, "list").msg()), DirListing.class);
    }

    public ReadResult read(String path, long offset, int maxBytes) {
        return read(path, offset, maxBytes, false, channels.options().callTimeout());
    }

    /** Reads up to maxBytes (clamped to 8 MiB by the agent) of a regular file from offset. */
    public ReadResult read(String path, long offset, int maxBytes, boolean nofollow, Duration timeout) {
        ObjectNode r = request("read");
        r.put("path", path);
        if (offset != 0) r.put("offset", offset);
        r.put("max_bytes", maxBytes);
        if (nofollow) r.put("nofollow", true);
        AgentChannels.Reply reply = channels.call(r, true, timeout, "read");
        JsonNode m = checkOk(reply.msg());
        return new ReadResult(reply.data(), m.path("size").asLong(), m.path("offset").asLong(),
                m.path("eof").asBoolean(), m.path("mode").asInt(), m.path("mtime_ns").asLong());
    }

    /** Reads a whole file, failing with code {@code too_large} if it has more than maxBytes. */
    public byte[] readAll(String path, long maxBytes, Duration timeout) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long off = 0;
        while (true) {
            int want = (int) Math.min(Protocol.AGENT_MAX_READ_BYTES, maxBytes + 1 - off);
            ReadResult r = read(path, off, Math.max(want, 1), false, timeout);
            out.write(r.data(), 0, r.data().length);
            off += r.data().length;
            if (off > maxBytes) {
                throw new AgentException("too_large", null, "file '" + path + "' exceeds " + maxBytes + " bytes");
            }
            if (r.eof() || r.data().length == 0) return out.toByteArray();
        }
    }

    public WriteResult write(String path, byte[] content) {
        return write(path, content, WriteOptions.defaults(), channels.options().callTimeout());
    }

    public WriteResult write(String path, byte[] content, WriteOptions opts, Duration timeout) {
        return write(path, new java.io.ByteArrayInputStream(content), content.length, opts, timeout);
    }

    /** Writes exactly {@code length} bytes from {@code in} to a file. */
    public WriteResult write(String path, InputStream in, long length, WriteOptions opts, Duration timeout) {
        ObjectNode r = request("write");
        r.put("path", path);
        r.put("length", length);
        opts.putInto(r);
        AgentChannels.CallHandler h = channels.new CallHandler(false);
        int ch = channels.register(h);
        try {
            channels.sendMessage(ch, r);
            channels.streamData(ch, in, length, "write " + path, h.future);
        } catch (AgentException e) {
            channels.release(ch, h);
            throw e;
        }
        AgentChannels.Reply reply = channels.awaitCall(ch, h, timeout, "write", true);
        JsonNode m = checkOk(reply.msg());
        return new WriteResult(m.path("bytes_written").asLong(), m.path("size").asLong());
    }

    public boolean mkdir(String path) {
        return mkdir(path, null, false, false);
    }

    /** Creates a directory; returns false if it existed (with existOk). */
    public boolean mkdir(String path, Integer mode, boolean parents, boolean existOk) {
        return mkdir(path, mode, parents, existOk, channels.options().callTimeout());
    }

    public boolean mkdir(String path, Integer mode, boolean parents, boolean existOk, Duration timeout) {
        ObjectNode r = request("mkdir");
        r.put("path", path);
        if (mode != null) r.put("mode", mode);
        if (parents) r.put("parents", true);
        if (existOk) r.put("exist_ok", true);
        return checkOk(channels.call(r, false, timeout, "mkdir").msg()).path("created").asBoolean();
    }

    /** Deletes a file, symlink or empty directory (or a whole tree if recursive); returns entries removed. */
    public long delete(String path, boolean recursive, boolean missingOk) {
        return delete(path, recursive, missingOk, channels.options().callTimeout());
    }

    public long delete(String path, boolean recursive, boolean missingOk, Duration timeout) {
        ObjectNode r = request("delete");
        r.put("path", path);
        if (recursive) r.put("recursive", true);
        if (missingOk) r.put("missing_ok", true);
        return checkOk(channels.call(r, false, timeout, "delete").msg()).path("deleted").asLong();
    }

    public void rename(String from, String to, boolean overwrite) {
        rename(from, to, overwrite, channels.options().callTimeout());
    }

    /** Renames; without overwrite an existing target fails with EEXIST. */
    public void rename(String from, String to, boolean overwrite, Duration timeout) {
        ObjectNode r = request("rename");
        r.put("from", from);
        r.put("to", to);
        if (!overwrite) r.put("overwrite", false);
        checkOk(channels.call(r, false, timeout, "rename").msg());
    }

    public void symlink(String target, String path, boolean overwrite) {
        symlink(target, path, overwrite, channels.options().callTimeout());
    }

    /** Creates a symlink at path; overwrite replaces an existing non-directory. */
    public void symlink(String target, String path, boolean overwrite, Duration timeout) {
        ObjectNode r = request("symlink");
        r.put("target", target);
        r.put("path", path);
        if (overwrite) r.put("overwrite", true);
        checkOk(channels.call(r, false, timeout, "symlink").msg());
    }

    public String readlink(String path) {
        return readlink(path, channels.options().callTimeout());
    }

    /** A symlink's target (lossy if not UTF-8; use {@link AgentConnection#call} for target_b64). */
    public String readlink(String path, Duration timeout) {
        ObjectNode r = request("readlink");
        r.put("path", path);
        return checkOk(channels.call(r, false, timeout, "readlink").msg()).path("target").asString();
    }

    /** Starts a streamed {@code write_tree}; see {@link TreeWriter}. */
    public TreeWriter openTree(boolean overwrite) {
        ObjectNode r = request("write_tree");
        if (!overwrite) r.put("overwrite", false);
        AgentChannels.CallHandler h = channels.new CallHandler(false);
        int ch = channels.register(h);
        try {
            channels.sendMessage(ch, r);
        } catch (AgentException e) {
            channels.release(ch, h);
            throw e;
        }
        return new TreeWriter(channels, ch, h);
    }

    /** Flushes guest filesystems ({@code sync}). */
    public void sync(Duration timeout) {
        checkOk(channels.call(request("sync"), false, timeout, "sync").msg());
    }
}
