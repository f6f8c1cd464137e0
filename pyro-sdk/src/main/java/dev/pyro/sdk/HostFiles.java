package dev.pyro.sdk;

import dev.pyro.engine.cache.FileTrees;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Host file chores a face shares with the engine: removing a staged tree (a demo seed, an MCP
 * project copy) the way the engine removes its own, never following a link out of it.
 */
public final class HostFiles {

    private HostFiles() {
    }

    /**
     * Deletes a file or directory tree without following links; a missing path is fine. A directory
     * swapped for a symlink while the delete runs cannot lead it to delete what the link points to.
     */
    public static void deleteTree(Path path) throws IOException {
        FileTrees.deleteRecursively(path);
    }
}
