package dev.pyro.protocol;

/**
 * A {@code write_tree} failed at one entry. Entries before it were written; the ones after it
 * were skipped.
 */
public class TreeWriteException extends AgentException {
    private final long index;
    private final String path;
    private final long entriesWritten;

    public TreeWriteException(String code, Integer errno, String message, long index, String path, long entriesWritten) {
        super(code, errno, message);
        this.index = index;
        this.path = path;
        this.entriesWritten = entriesWritten;
    }

    /** Zero-based index of the failed entry. */
    public long index() {
        return index;
    }

    /** Path of the failed entry, if known. */
    public String path() {
        return path;
    }

    public long entriesWritten() {
        return entriesWritten;
    }
}
