package dev.pyro.engine.workspace.files;

import dev.pyro.api.PyroException;
import dev.pyro.protocol.TreeWriteException;
import dev.pyro.protocol.TreeWriter;
import java.io.InputStream;
import java.time.Duration;

/** {@link TreeSink} over the agent's streamed {@code write_tree}. */
public final class TreeWriterSink implements TreeSink {

    private final TreeWriter writer;
    private final Duration finishTimeout;

    public TreeWriterSink(TreeWriter writer, Duration finishTimeout) {
        this.writer = writer;
        this.finishTimeout = finishTimeout;
    }

    @Override
    public void dir(String path, int mode, long mtimeNs) {
        writer.dir(path, mode, mtimeNs);
    }

    @Override
    public void file(String path, int mode, long mtimeNs, long length, InputStream content) {
        writer.file(path, mode, mtimeNs, length, content);
    }

    @Override
    public void symlink(String path, String target, long mtimeNs) {
        writer.symlink(path, target, mtimeNs);
    }

    @Override
    public boolean failed() {
        return writer.failed();
    }

    @Override
    public void finish() {
        try {
            writer.finish(finishTimeout);
        } catch (TreeWriteException e) {
            String at = e.path() == null ? "" : " at " + e.path();
            throw new PyroException(PyroException.Kind.RUNTIME, "writing into the workspace failed" + at + ": "
                    + e.getMessage() + " (" + e.entriesWritten() + " entries were written before it)", e);
        }
    }
}
