package dev.pyro.engine.workspace.review;

import dev.pyro.api.workspace.review.ChangeStatus;
import java.util.List;

/** The hunks for one file; {@code path} is already normalised by the engine's path rule. */
record FilePatch(String path, ChangeStatus status, List<Hunk> hunks) {

    FilePatch {
        hunks = List.copyOf(hunks);
    }
}
