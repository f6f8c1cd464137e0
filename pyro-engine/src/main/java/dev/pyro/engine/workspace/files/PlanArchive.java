package dev.pyro.engine.workspace.files;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a validated plan as a plain POSIX tar: the workspace's baseline archive, made once from
 * the seed (directory or archive alike) and imported again at every reset. Only the plan's
 * entries go in, so the baseline holds nothing the checks did not pass.
 */
public final class PlanArchive {

    private PlanArchive() {
    }

    /** Writes the archive to {@code out}, which stays open (the caller owns it). */
    public static void write(ImportSource source, ImportPlan plan, OutputStream out) {
        try {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush(); // the caller owns out
                }
            });
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            source.replay(plan, (entry, content) -> {
                TarArchiveEntry member = switch (entry.type()) {
                    case DIRECTORY -> new TarArchiveEntry(entry.path() + "/", TarConstants.LF_DIR);
                    case FILE -> new TarArchiveEntry(entry.path(), TarConstants.LF_NORMAL);
                    case SYMLINK -> new TarArchiveEntry(entry.path(), TarConstants.LF_SYMLINK);
                };
                member.setMode(modeBits(entry));
                member.setLastModifiedTime(FileTime.from(Instant.ofEpochSecond(0, entry.mtimeNs())));
                if (entry.type() == EntryType.SYMLINK) member.setLinkName(entry.linkTarget());
                if (entry.type() == EntryType.FILE) member.setSize(entry.size());
                tar.putArchiveEntry(member);
                if (content != null) content.transferTo(tar);
                tar.closeArchiveEntry();
            });
            tar.finish();
            tar.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The header's type bits, which commons-compress keeps in the mode field. */
    private static int modeBits(ImportEntry entry) {
        return switch (entry.type()) {
            case DIRECTORY -> 0040000 | entry.mode();
            case FILE -> 0100000 | entry.mode();
            case SYMLINK -> 0120000 | entry.mode();
        };
    }
}
