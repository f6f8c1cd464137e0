package dev.pyro.engine.workspace.review;

import dev.pyro.api.workspace.review.ArtifactType;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One path of a workspace tree (baseline or current), keyed by its path relative to
 * {@code /workspace}.
 *
 * @param mode        permission bits (e.g. {@code 0755}), or {@link #UNKNOWN_MODE}
 * @param size        the file size in bytes; 0 for directories, the target length for symlinks
 * @param linkTarget  the symlink target; null otherwise
 * @param contentHash an opaque digest of a file's bytes, or null. When both sides carry one, equal
 *                    hashes mean equal content and the bytes are never read; so both trees must use
 *                    the same algorithm (prefix it, e.g. {@code sha256:...})
 * @param content     a file's bytes on demand; null otherwise
 */
public record TreeEntry(ArtifactType type, int mode, long size, String linkTarget, String contentHash,
                        ContentSource content) {

    public static final int UNKNOWN_MODE = -1;

    public TreeEntry {
        Objects.requireNonNull(type, "type");
        if (type == ArtifactType.FILE) {
            Objects.requireNonNull(content, "a file entry needs its content source");
        }
        if (type == ArtifactType.SYMLINK) {
            Objects.requireNonNull(linkTarget, "a symlink entry needs its target");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
    }

    /** A file whose bytes are already in memory. */
    public static TreeEntry file(int mode, byte[] content) {
        return new TreeEntry(ArtifactType.FILE, mode, content.length, null, null, ContentSource.of(content));
    }

    /** A file read lazily; {@code contentHash} may be null. */
    public static TreeEntry file(int mode, long size, String contentHash, ContentSource content) {
        return new TreeEntry(ArtifactType.FILE, mode, size, null, contentHash, content);
    }

    public static TreeEntry directory(int mode) {
        return new TreeEntry(ArtifactType.DIRECTORY, mode, 0, null, null, null);
    }

    public static TreeEntry symlink(String target) {
        long size = target.getBytes(StandardCharsets.UTF_8).length; // lstat's size of a symlink
        return new TreeEntry(ArtifactType.SYMLINK, UNKNOWN_MODE, size, target, null, null);
    }
}
