package dev.pyro.engine.workspace.review;

import java.util.Arrays;
import java.util.Objects;

/**
 * Compares one file present in both trees while reading as little as possible: a size difference
 * or two different hashes settle it without bytes, equal hashes settle it too; only otherwise, or
 * to write the patch of a changed file, are the bytes read, each side at most once.
 */
final class FileComparison {

    private final TreeEntry before;
    private final TreeEntry after;
    private byte[] beforeBytes;
    private byte[] afterBytes;

    FileComparison(TreeEntry before, TreeEntry after) {
        this.before = before;
        this.after = after;
    }

    boolean contentDiffers() {
        if (before.size() != after.size()) {
            return true;
        }
        if (before.contentHash() != null && after.contentHash() != null) {
            return !before.contentHash().equals(after.contentHash());
        }
        return !Arrays.equals(beforeBytes(), afterBytes());
    }

    boolean modeDiffers() {
        return before.mode() != TreeEntry.UNKNOWN_MODE && after.mode() != TreeEntry.UNKNOWN_MODE
                && (before.mode() & 07777) != (after.mode() & 07777);
    }

    int mode(boolean beforeSide) {
        return beforeSide ? before.mode() : after.mode();
    }

    byte[] beforeBytes() {
        if (beforeBytes == null) {
            beforeBytes = Objects.requireNonNull(before.content().read(), "content source returned null");
        }
        return beforeBytes;
    }

    byte[] afterBytes() {
        if (afterBytes == null) {
            afterBytes = Objects.requireNonNull(after.content().read(), "content source returned null");
        }
        return afterBytes;
    }
}
