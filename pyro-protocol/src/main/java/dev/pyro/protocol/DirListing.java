package dev.pyro.protocol;

import java.util.List;

/** Result of {@code list}: entries sorted by name; {@code truncated} if the limit cut it short. */
public record DirListing(List<DirEntry> entries, boolean truncated) {
    public DirListing {
        entries = entries == null ? List.of() : List.copyOf(entries);
    }
}
