package dev.pyro.engine.workspace.review;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A file's bytes, opened only when the diff needs them: when sizes match but no hashes say whether
 * the content changed, or when a changed file's patch is written. A stream, not an array: a file
 * may be gigabytes, and the diff reads whole only files small enough for a text patch
 * ({@link ReviewLimits#DIFF_TEXT_MAX_BYTES}); larger ones are compared chunk by chunk.
 */
@FunctionalInterface
public interface ContentSource {

    /** A fresh stream over the content; the caller closes it. */
    InputStream open() throws IOException;

    static ContentSource of(byte[] bytes) {
        return () -> new ByteArrayInputStream(bytes);
    }
}
