package dev.pyro.engine.workspace.review;

/**
 * A file's bytes, read only when the diff needs them: when sizes match but no hashes say whether
 * the content changed, or when a changed file's patch is written. Read at most once per diff.
 */
@FunctionalInterface
public interface ContentSource {

    byte[] read();
}
