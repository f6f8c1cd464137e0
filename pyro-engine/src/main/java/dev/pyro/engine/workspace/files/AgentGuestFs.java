package dev.pyro.engine.workspace.files;

import dev.pyro.api.PyroException;
import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentException;
import dev.pyro.protocol.DirEntry;
import dev.pyro.protocol.DirListing;
import dev.pyro.protocol.FileStat;
import dev.pyro.protocol.Protocol;
import dev.pyro.protocol.ReadResult;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@link GuestFs} over a live agent connection: one {@code stat}, {@code list} or {@code read} per call. */
public final class AgentGuestFs implements GuestFs {

    private final AgentConnection agent;
    private final Duration timeout;

    public AgentGuestFs(AgentConnection agent, Duration timeout) {
        this.agent = agent;
        this.timeout = timeout;
    }

    @Override
    public GuestNode stat(String path) {
        FileStat st;
        try {
            st = agent.files().stat(path, false, timeout);
        } catch (AgentException e) {
            // ENOTDIR: a component on the way is a file, so nothing can be at the path either
            if (e.isNotFound() || "ENOTDIR".equals(e.code())) return null;
            throw e;
        }
        if (st.isSymlink() && st.linkTargetB64() != null) {
            throw PyroException.invalid("symlink target is not valid UTF-8: " + path);
        }
        return new GuestNode(baseName(path), st.type(), st.size(), st.mode(), st.mtimeNs(), st.linkTarget());
    }

    @Override
    public List<GuestNode> list(String directory) {
        // one more than any transfer may hold, so a truncated listing is always over the limit
        DirListing listing = agent.files().list(directory, TransferLimits.DEFAULT.maxEntries() + 1, timeout);
        if (listing.truncated()) {
            throw PyroException.invalid("directory has too many entries to transfer: " + directory);
        }
        List<GuestNode> nodes = new ArrayList<>(listing.entries().size());
        for (DirEntry e : listing.entries()) {
            // Java strings cannot carry the exact bytes of such names: refuse instead of guessing
            if (!e.nameIsUtf8()) {
                throw PyroException.invalid("file name is not valid UTF-8: " + directory + "/" + e.name());
            }
            if (e.linkTargetB64() != null) {
                throw PyroException.invalid("symlink target is not valid UTF-8: " + directory + "/" + e.name());
            }
            nodes.add(new GuestNode(e.name(), e.type(), e.size(), e.mode(), e.mtimeNs(), e.linkTarget()));
        }
        return nodes;
    }

    @Override
    public InputStream open(String path) {
        return new ChunkedRead(path);
    }

    private static String baseName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Reads a guest file in agent-sized chunks, so a big export never sits in memory whole. */
    private final class ChunkedRead extends InputStream {
        private final String path;
        private byte[] chunk = new byte[0];
        private int pos;
        private long offset;
        private boolean eof;

        ChunkedRead(String path) {
            this.path = path;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            while (pos == chunk.length) {
                if (eof) return -1;
                fill();
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }

        private void fill() throws IOException {
            ReadResult r;
            try {
                r = agent.files().read(path, offset, Protocol.AGENT_MAX_READ_BYTES, true, timeout);
            } catch (AgentException e) {
                throw new IOException(e.getMessage(), e);
            }
            chunk = r.data();
            pos = 0;
            offset += chunk.length;
            eof = r.eof() || chunk.length == 0;
        }
    }
}
