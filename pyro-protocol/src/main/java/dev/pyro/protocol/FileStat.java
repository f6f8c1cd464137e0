package dev.pyro.protocol;

import java.time.Instant;

/**
 * Result of {@code stat}.
 *
 * @param mode permission bits ({@code st_mode & 07777})
 * @param mtimeNs modification time, nanoseconds since the epoch
 * @param linkTarget for a symlink (not followed): its target (lossy if not UTF-8)
 * @param linkTargetB64 the target's exact bytes, base64, only when not valid UTF-8
 */
public record FileStat(FileType type, long size, int mode, long uid, long gid, long nlink, long mtimeNs,
                       String linkTarget, String linkTargetB64) {
    public boolean isFile() {
        return type == FileType.FILE;
    }

    public boolean isDirectory() {
        return type == FileType.DIRECTORY;
    }

    public boolean isSymlink() {
        return type == FileType.SYMLINK;
    }

    public Instant mtime() {
        return Instant.ofEpochSecond(0, mtimeNs);
    }
}
