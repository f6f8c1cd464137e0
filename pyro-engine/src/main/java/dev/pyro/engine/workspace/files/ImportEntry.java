package dev.pyro.engine.workspace.files;

/**
 * One validated member of an import, in the order it is written.
 *
 * @param path relative to the destination, normalised ({@code a/b}: no dots, no empty segments)
 * @param mode permission bits, setuid/setgid/sticky dropped
 * @param size bytes of a file, 0 otherwise
 * @param linkTarget a symlink's target (relative, checked to stay inside), else null
 */
public record ImportEntry(EntryType type, String path, int mode, long mtimeNs, long size, String linkTarget) {

    /** Only the permission bits travel: a seed never plants setuid files in the guest. */
    static final int MODE_MASK = 0777;

    public ImportEntry {
        mode &= MODE_MASK;
    }

    public static ImportEntry directory(String path, int mode, long mtimeNs) {
        return new ImportEntry(EntryType.DIRECTORY, path, mode, mtimeNs, 0, null);
    }

    public static ImportEntry file(String path, int mode, long mtimeNs, long size) {
        return new ImportEntry(EntryType.FILE, path, mode, mtimeNs, size, null);
    }

    public static ImportEntry symlink(String path, String target, long mtimeNs) {
        return new ImportEntry(EntryType.SYMLINK, path, 0777, mtimeNs, 0, target);
    }
}
