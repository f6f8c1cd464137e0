package dev.pyro.engine.workspace.review;

/** The spec's size limits (§6) for patch text and for any file a patch reads or produces. */
public final class ReviewLimits {

    /** {@code WORKSPACE_PATCH_MAX_BYTES}: the patch text, measured as UTF-8. */
    public static final int WORKSPACE_PATCH_MAX_BYTES = 1_048_576;

    /** {@code WORKSPACE_FILE_MAX_BYTES}: a file a patch reads, and the file it produces. */
    public static final int WORKSPACE_FILE_MAX_BYTES = 1_048_576;

    private ReviewLimits() {
    }
}
