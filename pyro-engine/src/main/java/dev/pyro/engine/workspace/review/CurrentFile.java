package dev.pyro.engine.workspace.review;

/**
 * What the workspace holds at a path a patch touches, as the engine found it in the guest. Only
 * paths named by the patch are looked up, once each, in sorted order, stopping at the first error.
 */
public sealed interface CurrentFile {

    /** Nothing exists at the path. */
    record Missing() implements CurrentFile {
    }

    /** A regular file and its bytes. */
    record RegularFile(byte[] content) implements CurrentFile {
    }

    /** A directory, symlink or special file: never patched. */
    record OtherType(String artifactType) implements CurrentFile {
    }

    static CurrentFile missing() {
        return new Missing();
    }

    static CurrentFile regular(byte[] content) {
        return new RegularFile(content);
    }

    static CurrentFile other(String artifactType) {
        return new OtherType(artifactType);
    }
}
