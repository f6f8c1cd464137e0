package dev.pyro.api.workspace.review;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The spec's {@code artifact_type} of a workspace path. */
public enum ArtifactType {
    @JsonProperty("file") FILE,
    @JsonProperty("directory") DIRECTORY,
    @JsonProperty("symlink") SYMLINK
}
