package dev.pyro.engine.workspace.review;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code entries[]} of the diff payload (§12.2), path relative to {@code /workspace}.
 *
 * @param textPatch the file's unified diff; null for symlinks, directories, type changes and
 *                  binary content
 * @param binary    a file side is not text (a NUL byte or invalid UTF-8), so no patch is given
 * @param oldMode   permission bits before ({@code "0644"}), only when a file's mode changed
 * @param newMode   permission bits after, only when a file's mode changed
 */
public record DiffEntry(
        String path,
        ChangeStatus status,
        ArtifactType artifactType,
        String textPatch,
        boolean binary,
        @JsonInclude(JsonInclude.Include.NON_NULL) String oldMode,
        @JsonInclude(JsonInclude.Include.NON_NULL) String newMode) {

    static DiffEntry of(String path, ChangeStatus status, ArtifactType type) {
        return new DiffEntry(path, status, type, null, false, null, null);
    }
}
