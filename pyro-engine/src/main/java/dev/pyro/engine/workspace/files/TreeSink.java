package dev.pyro.engine.workspace.files;

import java.io.InputStream;

/**
 * Where an import writes, entry by entry: the guest's {@code write_tree} through
 * {@link TreeWriterSink}, or a recording fake in tests. Paths are absolute guest paths.
 */
public interface TreeSink {

    void dir(String path, int mode, long mtimeNs);

    /** A file of exactly {@code length} bytes read from {@code content}. */
    void file(String path, int mode, long mtimeNs, long length, InputStream content);

    void symlink(String path, String target, long mtimeNs);

    /** Whether the writer already failed, so streaming more entries is pointless. */
    default boolean failed() {
        return false;
    }

    /** Ends the tree and waits until everything is written; throws what went wrong. */
    void finish();
}
