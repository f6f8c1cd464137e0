package dev.pyro.engine.workspace.files;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything an import will write, validated as a whole before the first byte goes to the guest.
 *
 * @param mode {@code directory} or {@code tar_archive}, as in the seed and sync payloads
 * @param sourcePath the resolved host path
 * @param bytesWritten sum of regular-file sizes (the payloads' {@code bytes_written})
 */
public record ImportPlan(String mode, Path sourcePath, List<ImportEntry> entries, long bytesWritten) {

    public ImportPlan {
        entries = List.copyOf(entries);
    }

    /** The payloads' {@code entry_count}: members written, parents created on the way not counted. */
    public long entryCount() {
        return entries.size();
    }
}
