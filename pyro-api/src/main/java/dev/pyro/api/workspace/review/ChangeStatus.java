package dev.pyro.api.workspace.review;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An entry's {@code status} in patch and diff payloads. */
public enum ChangeStatus {
    @JsonProperty("added") ADDED,
    @JsonProperty("modified") MODIFIED,
    @JsonProperty("deleted") DELETED,
    /** Diff only: the path changed between file, directory and symlink. */
    @JsonProperty("type_changed") TYPE_CHANGED
}
