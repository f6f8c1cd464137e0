package dev.pyro.engine.workspace.files;

import java.nio.file.Path;

/**
 * A host directory or tar archive to import into {@code /workspace}. Two passes, so that nothing
 * is written unless everything is valid and no content has to be held in memory or on disk:
 * {@link #inspect()} validates every entry and counts, {@link #replay} then streams the content,
 * refusing any entry that is not exactly the one inspected.
 */
public interface ImportSource {

    /** {@code directory} or {@code tar_archive}. */
    String mode();

    /** The resolved host path. */
    Path path();

    /** Validates every entry (spec §8.2 and {@link TransferLimits}); writes nothing. */
    ImportPlan inspect();

    /** Feeds the plan's entries with their content to {@code handler}, in plan order. */
    void replay(ImportPlan plan, EntryHandler handler);
}
