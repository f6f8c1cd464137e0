package dev.pyro.engine.workspace;

import dev.pyro.api.PyroException;
import dev.pyro.engine.workspace.review.TreeEntry;
import java.io.Closeable;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * The baseline archive as a tree for {@code diff}: path relative to {@code /workspace} → entry with
 * its mtime (the guest keeps the mtimes an import set, so an unchanged file can be recognized
 * without reading it back). Only headers are read up front; a file's bytes are read from the
 * archive when the diff asks for them, so a baseline holding gigabytes costs no memory (issue 17:
 * reading them whole ended in {@code Required array size too large}). Open while the diff runs.
 */
final class BaselineTree implements Closeable {

    record Node(TreeEntry entry, long mtimeNs) {
    }

    private final TarFile tar;
    private final Map<String, Node> nodes;

    private BaselineTree(TarFile tar, Map<String, Node> nodes) {
        this.tar = tar;
        this.nodes = Collections.unmodifiableMap(nodes);
    }

    static BaselineTree open(Path archive) {
        TarFile tar;
        try {
            tar = new TarFile(archive);
        } catch (IOException | RuntimeException e) {
            throw PyroException.runtime("the workspace baseline " + archive + " cannot be read: " + ErrorText.of(e), e);
        }
        Map<String, Node> tree = new TreeMap<>();
        for (TarArchiveEntry e : tar.getEntries()) {
            String path = relative(e.getName());
            if (path.isEmpty()) {
                continue;
            }
            long mtimeNs = e.getLastModifiedTime() == null ? 0 : e.getLastModifiedTime().to(TimeUnit.NANOSECONDS);
            int mode = e.getMode() & 07777;
            if (e.isDirectory()) {
                tree.put(path, new Node(TreeEntry.directory(mode), mtimeNs));
            } else if (e.isSymbolicLink()) {
                tree.put(path, new Node(TreeEntry.symlink(e.getLinkName()), mtimeNs));
            } else if (e.isFile()) {
                // not a digest: a token the current tree copies when size and mtime say the file is untouched
                tree.put(path, new Node(TreeEntry.file(mode, e.getSize(), statToken(path), () -> tar.getInputStream(e)),
                        mtimeNs));
            }
        }
        return new BaselineTree(tar, tree);
    }

    Map<String, Node> nodes() {
        return nodes;
    }

    /** The baseline's content token of a path, which the current tree reuses for a file it finds unchanged. */
    static String statToken(String path) {
        return "baseline-stat:" + path;
    }

    static String relative(String name) {
        String path = name;
        while (path.startsWith("./")) {
            path = path.substring(2);
        }
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path.equals(".") ? "" : path;
    }

    @Override
    public void close() {
        try {
            tar.close();
        } catch (IOException ignored) {
            // read-only: nothing to lose
        }
    }
}
