package dev.pyro.engine.workspace.files;

/** The only member types that cross into or out of {@code /workspace} (spec §8.2). */
public enum EntryType {
    DIRECTORY, FILE, SYMLINK
}
