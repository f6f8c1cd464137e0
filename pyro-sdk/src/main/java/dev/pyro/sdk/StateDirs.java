package dev.pyro.sdk;

import dev.pyro.engine.config.OwnedPaths;
import dev.pyro.api.PyroPaths;
import java.nio.file.Path;

/**
 * The state dir of this user (PYRO_STATE_DIR or the default), for a face that keeps files of its own
 * there (the MCP HTTP server's generated token), and the ownership check such a dir must pass first.
 */
public final class StateDirs {

    private StateDirs() {
    }

    /** The state dir the engine daemon of this environment serves. */
    public static Path stateDir() {
        return PyroPaths.fromEnvironment().stateDir();
    }

    /**
     * Creates {@code dir} owner-only when missing and refuses it (the error names {@code what} and
     * the fix: PYRO_STATE_DIR) unless it and its parent belong to this user and no other user can
     * write to them; a secret may go there only then.
     */
    public static void requireOwnedDir(Path dir, String what) {
        OwnedPaths.requireOwnedDir(dir, what, "PYRO_STATE_DIR", false);
    }
}
