package dev.pyro.engine.workspace.files;

import dev.pyro.api.PyroException;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a (possibly compressed) tar entry by entry under a byte budget. Each step may consume the
 * previous entry's declared data plus {@link #HEADER_ALLOWANCE} for the next header, and the whole
 * stream at most the transfer's byte limit plus header overhead: so a bomb fails after a bounded
 * amount of decompression, whatever its headers claim.
 */
final class TarReader implements Closeable {

    /** Room for one header with its pax or GNU long-name records, and the final block's padding. */
    static final long HEADER_ALLOWANCE = 1L << 20;
    private static final long PER_ENTRY_OVERHEAD = 1536;
    private static final long FIXED_OVERHEAD = 64L << 20;

    private final String field;
    private final TransferLimits limits;
    private final InputStream file;
    private final BudgetStream budget;
    private final TarArchiveInputStream tar;
    private final long totalCap;

    TarReader(Path path, ArchiveFormat format, String field, TransferLimits limits) throws IOException {
        this.field = field;
        this.limits = limits;
        this.totalCap = limits.maxBytes() + FIXED_OVERHEAD + limits.maxEntries() * PER_ENTRY_OVERHEAD;
        this.file = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        try {
            // the budget sits right under the tar reader, so it counts what tar consumes, unpacked
            this.budget = new BudgetStream(format.decode(file), Math.min(HEADER_ALLOWANCE, totalCap));
            this.tar = new TarArchiveInputStream(budget);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e instanceof PyroException p ? p : invalid(e);
        }
    }

    /** The next entry, or null at the end. Skips what is left of the previous entry's data. */
    TarArchiveEntry next() {
        TarArchiveEntry entry;
        try {
            entry = tar.getNextEntry();
        } catch (IOException | RuntimeException e) {
            throw translate(e);
        }
        if (entry != null) {
            long stored = (entry.getSize() + 511) / 512 * 512;
            budget.limit(Math.min(budget.count() + stored + HEADER_ALLOWANCE, totalCap));
        }
        return entry;
    }

    /** The current entry's data; read errors surface as IOExceptions to be {@link #translate}d. */
    InputStream content() {
        return tar;
    }

    /** The user's error for a failure while reading the archive. */
    PyroException translate(Exception e) {
        if (e instanceof PyroException p) return p;
        if (budget.exceeded()) {
            return budget.count() >= totalCap ? PlanBuilder.tooLarge(field, limits)
                    : PyroException.invalid(field + " is not a valid tar archive: a header is larger than "
                    + HEADER_ALLOWANCE + " bytes");
        }
        return invalid(e);
    }

    /**
     * Never the library's message: commons-compress quotes the header bytes it could not parse, and
     * the file may be one the user can read but should not show (a secret named by mistake).
     */
    private PyroException invalid(Exception e) {
        String why = e instanceof java.io.EOFException ? "it ends before its last entry"
                : e instanceof java.util.zip.ZipException || e.getClass().getName().contains("zstd")
                ? "its compressed data is corrupt" : "a header or its data is corrupt";
        return PyroException.invalid(field + " is not a valid tar archive: " + why);
    }

    @Override
    public void close() throws IOException {
        try {
            tar.close();
        } finally {
            file.close();
        }
    }
}
