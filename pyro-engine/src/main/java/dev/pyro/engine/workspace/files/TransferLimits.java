package dev.pyro.engine.workspace.files;

/**
 * Bounds on one transfer into or out of {@code /workspace}. The reference product has none; these
 * keep a hostile or mistaken archive (a tar bomb, a million empty files) from filling the guest's
 * disk, the host's disk or the engine's memory. Exceeding one refuses the whole transfer.
 *
 * @param maxEntries members (files, directories, symlinks) per transfer
 * @param maxBytes sum of regular-file sizes per transfer, i.e. bytes once unpacked
 */
public record TransferLimits(int maxEntries, long maxBytes) {

    public static final TransferLimits DEFAULT = new TransferLimits(100_000, 1L << 30);

    public TransferLimits {
        if (maxEntries < 1 || maxBytes < 0) {
            throw new IllegalArgumentException("limits must be positive: " + maxEntries + ", " + maxBytes);
        }
    }

    /** {@code 1 GiB (1073741824 bytes)} for round sizes, {@code 1000 bytes} otherwise: for error messages. */
    String describeBytes() {
        if (maxBytes >= 1L << 30 && maxBytes % (1L << 30) == 0) return (maxBytes >> 30) + " GiB (" + maxBytes + " bytes)";
        if (maxBytes >= 1L << 20 && maxBytes % (1L << 20) == 0) return (maxBytes >> 20) + " MiB (" + maxBytes + " bytes)";
        return maxBytes + " bytes";
    }
}
