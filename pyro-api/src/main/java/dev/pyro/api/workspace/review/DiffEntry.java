package dev.pyro.api.workspace.review;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;

/**
 * {@code entries[]} of the diff payload (§12.2), path relative to {@code /workspace}.
 *
 * @param textPatch the file's unified diff; null for symlinks, directories, type changes and
 *                  binary content
 * @param binary    a file side is not text (a NUL byte or invalid UTF-8), so no patch is given
 * @param oldMode   permission bits before ({@code "0644"}), only when a file's mode changed
 * @param newMode   permission bits after, only when a file's mode changed
 * @param tooLarge  the file changed, but a side is over {@code ReviewLimits.DIFF_TEXT_MAX_BYTES} or
 *                  the diff's patches reached {@code ReviewLimits.DIFF_PATCH_TOTAL_MAX_BYTES}: no
 *                  patch is given (shown only when true)
 */
public record DiffEntry(
        String path,
        ChangeStatus status,
        ArtifactType artifactType,
        String textPatch,
        boolean binary,
        @JsonInclude(JsonInclude.Include.NON_NULL) String oldMode,
        @JsonInclude(JsonInclude.Include.NON_NULL) String newMode,
        // absent on the wire unless true, so a reader (the SDK's engine client) must take absent as false
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) boolean tooLarge) {

    public DiffEntry(String path, ChangeStatus status, ArtifactType artifactType, String textPatch, boolean binary,
                     String oldMode, String newMode) {
        this(path, status, artifactType, textPatch, binary, oldMode, newMode, false);
    }

    public static DiffEntry of(String path, ChangeStatus status, ArtifactType type) {
        return new DiffEntry(path, status, type, null, false, null, null);
    }
}
