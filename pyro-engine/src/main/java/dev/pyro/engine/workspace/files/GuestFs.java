package dev.pyro.engine.workspace.files;

import java.io.InputStream;
import java.util.List;

/**
 * The guest's file system as the host safety checks need it: read-only, never following links.
 * {@link AgentGuestFs} is the real one; tests use an in-memory tree.
 */
public interface GuestFs {

    /** What is at an absolute guest path ({@code lstat}), or null when nothing is there. */
    GuestNode stat(String path);

    /** The children of a directory, not following links. */
    List<GuestNode> list(String directory);

    /** The content of a regular file (refusing to open it through a final symlink). */
    InputStream open(String path);
}
