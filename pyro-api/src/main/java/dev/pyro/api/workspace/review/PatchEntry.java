package dev.pyro.api.workspace.review;

/** {@code entries[]} of the patch payload (§5.8): a normalised {@code /workspace/...} path. */
public record PatchEntry(String path, ChangeStatus status) {
}
