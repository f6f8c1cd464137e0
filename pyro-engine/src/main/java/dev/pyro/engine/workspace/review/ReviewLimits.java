package dev.pyro.engine.workspace.review;

/** The spec's size limits (§6) for patch text and for any file a patch reads or produces. */
public final class ReviewLimits {

    /** {@code WORKSPACE_PATCH_MAX_BYTES}: the patch text, measured as UTF-8. */
    public static final int WORKSPACE_PATCH_MAX_BYTES = 1_048_576;

    /** {@code WORKSPACE_FILE_MAX_BYTES}: a file a patch reads, and the file it produces. */
    public static final int WORKSPACE_FILE_MAX_BYTES = 1_048_576;

    /**
     * Not in the spec: the largest file (either side) {@code diff} writes a text patch for. Larger
     * files are still compared (chunk by chunk) and listed, with {@code too_large} and no patch, so
     * a diff's memory stays bounded whatever the workspace holds (issue 17: a 3 GB file took the
     * engine down). The same size as everything else a patch may read or write.
     */
    public static final int DIFF_TEXT_MAX_BYTES = WORKSPACE_FILE_MAX_BYTES;

    /**
     * Not in the spec: the most text all of one diff's patches may hold together (UTF-8). Entries
     * past it are listed with {@code too_large} and no patch.
     */
    public static final long DIFF_PATCH_TOTAL_MAX_BYTES = 16L << 20;

    private ReviewLimits() {
    }
}
