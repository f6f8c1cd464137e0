package dev.pyro.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * One entry of {@code list} (not following symlinks).
 *
 * @param name the entry name (lossy, with U+FFFD, if the name is not valid UTF-8)
 * @param nameB64 the exact name bytes in base64, only present when the name is not valid UTF-8
 */
public record DirEntry(String name, String nameB64, FileType type, long size, int mode, long uid, long gid,
                       long nlink, long mtimeNs, String linkTarget, String linkTargetB64) {
    /** The exact name bytes. */
    public byte[] rawName() {
        return nameB64 != null ? Base64.getDecoder().decode(nameB64) : name.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the name is valid UTF-8 (so {@link #name()} is exact). */
    public boolean nameIsUtf8() {
        return nameB64 == null;
    }

    public Instant mtime() {
        return Instant.ofEpochSecond(0, mtimeNs);
    }
}
