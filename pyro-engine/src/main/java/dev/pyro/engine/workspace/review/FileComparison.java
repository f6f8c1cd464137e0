package dev.pyro.engine.workspace.review;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Compares one file present in both trees while reading as little as possible: a size difference
 * or two different hashes settle it without bytes, equal hashes settle it too; only otherwise, or
 * to write the patch of a changed file, are the bytes read, each side at most once. Files over
 * {@link ReviewLimits#DIFF_TEXT_MAX_BYTES} are never held whole: they are compared chunk by chunk
 * and get no patch.
 */
final class FileComparison {

    private static final int CHUNK = 1 << 16;

    private final TreeEntry before;
    private final TreeEntry after;
    private byte[] beforeBytes;
    private byte[] afterBytes;
    /** A side had more bytes than its listed size allowed for a patch (it grew since). */
    private boolean grew;

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
        if (!tooLarge()) {
            byte[] a = beforeBytes();
            byte[] b = afterBytes();
            if (a != null && b != null) {
                return !Arrays.equals(a, b);
            }
        }
        return streamsDiffer(before.content(), after.content());
    }

    /** A side is too large for a text patch (by its size, or by what its bytes turned out to be). */
    boolean tooLarge() {
        return grew || before.size() > ReviewLimits.DIFF_TEXT_MAX_BYTES || after.size() > ReviewLimits.DIFF_TEXT_MAX_BYTES;
    }

    boolean modeDiffers() {
        return before.mode() != TreeEntry.UNKNOWN_MODE && after.mode() != TreeEntry.UNKNOWN_MODE
                && (before.mode() & 07777) != (after.mode() & 07777);
    }

    int mode(boolean beforeSide) {
        return beforeSide ? before.mode() : after.mode();
    }

    /** The whole content, or null when it is over the text limit (a file may grow after it was listed). */
    byte[] beforeBytes() {
        if (beforeBytes == null && !grew) {
            beforeBytes = readSmall(before.content());
            grew = beforeBytes == null;
        }
        return beforeBytes;
    }

    byte[] afterBytes() {
        if (afterBytes == null && !grew) {
            afterBytes = readSmall(after.content());
            grew = afterBytes == null;
        }
        return afterBytes;
    }

    /** All the bytes of a small file, or null when there are more than the text limit. */
    static byte[] readSmall(ContentSource source) {
        try (InputStream in = source.open()) {
            byte[] bytes = in.readNBytes(ReviewLimits.DIFF_TEXT_MAX_BYTES + 1);
            return bytes.length > ReviewLimits.DIFF_TEXT_MAX_BYTES ? null : bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Chunk by chunk, so memory stays two buffers whatever the size. */
    private static boolean streamsDiffer(ContentSource a, ContentSource b) {
        try (InputStream x = a.open(); InputStream y = b.open()) {
            byte[] bx = new byte[CHUNK];
            byte[] by = new byte[CHUNK];
            while (true) {
                int nx = x.readNBytes(bx, 0, CHUNK);
                int ny = y.readNBytes(by, 0, CHUNK);
                if (nx != ny || !Arrays.equals(bx, 0, nx, by, 0, ny)) {
                    return true;
                }
                if (nx < CHUNK) {
                    return false;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
