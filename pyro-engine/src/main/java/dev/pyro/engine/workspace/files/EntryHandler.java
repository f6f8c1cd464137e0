package dev.pyro.engine.workspace.files;

import java.io.IOException;
import java.io.InputStream;

/** Receives an import's entries in plan order; {@code content} has exactly {@code size} bytes for a file, else is null. */
@FunctionalInterface
public interface EntryHandler {
    void accept(ImportEntry entry, InputStream content) throws IOException;
}
