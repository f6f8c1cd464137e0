package dev.pyro.engine.workspace.files;

import dev.pyro.protocol.FileType;

/**
 * One guest file system object as {@code lstat} sees it (links are never followed).
 *
 * @param name the last path component
 * @param size bytes for a file, the lstat size for a symlink, 0 for a directory
 * @param mode permission bits
 * @param mtimeNs modification time, nanoseconds since the epoch
 * @param linkTarget a symlink's target, else null
 */
public record GuestNode(String name, FileType type, long size, int mode, long mtimeNs, String linkTarget) {

    public boolean isDirectory() {
        return type == FileType.DIRECTORY;
    }

    public boolean isFile() {
        return type == FileType.FILE;
    }

    public boolean isSymlink() {
        return type == FileType.SYMLINK;
    }
}
