package dev.pyro.engine.workspace;

import dev.pyro.engine.PyroException;
import dev.pyro.engine.workspace.review.TreeEntry;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The baseline archive as a tree for {@code diff}: path relative to {@code /workspace} → entry, with
 * each file's content, hash and mtime (the guest keeps the mtimes an import set, so an unchanged
 * file can be recognized without reading it back).
 */
final class BaselineTree {

    record Node(TreeEntry entry, long mtimeNs) {
    }

    private BaselineTree() {
    }

    static Map<String, Node> read(Path archive) {
        Map<String, Node> tree = new TreeMap<>();
        try (InputStream in = Files.newInputStream(archive); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String path = relative(e.getName());
                if (path.isEmpty()) {
                    continue;
                }
                long mtimeNs = e.getLastModifiedTime() == null ? 0
                        : e.getLastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
                int mode = e.getMode() & 07777;
                if (e.isDirectory()) {
                    tree.put(path, new Node(TreeEntry.directory(mode), mtimeNs));
                } else if (e.isSymbolicLink()) {
                    tree.put(path, new Node(TreeEntry.symlink(e.getLinkName()), mtimeNs));
                } else if (e.isFile()) {
                    byte[] content = tar.readAllBytes();
                    tree.put(path, new Node(TreeEntry.file(mode, content.length, sha256(content), () -> content),
                            mtimeNs));
                }
            }
        } catch (IOException e) {
            throw PyroException.runtime("the workspace baseline " + archive + " cannot be read: " + ErrorText.of(e), e);
        }
        return tree;
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

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
