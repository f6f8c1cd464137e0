package dev.pyro.engine.workspace.files;

import dev.pyro.api.PyroException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A tar archive (plain, gzip or zstd) to import. {@link #inspect()} reads headers only, skipping
 * data under the {@link TarReader} budget; {@link #replay} reads the archive a second time and
 * streams each entry's data, so neither pass extracts anything to the host's disk.
 */
public final class TarSource implements ImportSource {

    private final Path path;
    private final ArchiveFormat format;
    private final String field;
    private final TransferLimits limits;

    public TarSource(Path path, ArchiveFormat format, String field, TransferLimits limits) {
        this.path = path;
        this.format = format;
        this.field = field;
        this.limits = limits;
    }

    @Override
    public String mode() {
        return "tar_archive";
    }

    @Override
    public Path path() {
        return path;
    }

    public ArchiveFormat format() {
        return format;
    }

    @Override
    public ImportPlan inspect() {
        PlanBuilder plan = new PlanBuilder(field, limits);
        try (TarReader reader = new TarReader(path, format, field, limits)) {
            TarArchiveEntry member;
            while ((member = reader.next()) != null) {
                ImportEntry entry = toEntry(member);
                if (entry != null) plan.add(entry, displayName(member.getName()));
            }
        } catch (IOException e) {
            throw PyroException.invalid(field + " cannot be read: " + e.getMessage());
        }
        return plan.build(mode(), path);
    }

    @Override
    public void replay(ImportPlan plan, EntryHandler handler) {
        int index = 0;
        try (TarReader reader = new TarReader(path, format, field, limits)) {
            TarArchiveEntry member;
            while ((member = reader.next()) != null) {
                ImportEntry entry = toEntry(member);
                if (entry == null) continue;
                if (index >= plan.entries().size() || !plan.entries().get(index).equals(entry)) {
                    throw changed(member.getName());
                }
                index++;
                try {
                    handler.accept(entry, entry.type() == EntryType.FILE ? reader.content() : null);
                } catch (IOException e) {
                    throw reader.translate(e);
                }
            }
        } catch (IOException e) {
            throw PyroException.invalid(field + " cannot be read: " + e.getMessage());
        }
        if (index != plan.entries().size()) throw changed("(end of archive)");
    }

    private PyroException changed(String member) {
        return new PyroException(PyroException.Kind.RUNTIME,
                field + " changed while it was being imported, at " + member + "; import it again");
    }

    /**
     * The entry a member stands for, or null for members that carry nothing to write (the
     * archive's own root directory {@code ./}). Types go by the header's type flag, because
     * commons-compress's {@code isFile()} is also true for links and devices.
     */
    static ImportEntry toEntry(TarArchiveEntry member) {
        String name = member.getName();
        String path = MemberPath.normalize(name);
        byte flag = member.getLinkFlag();
        long mtime = nanos(member.getLastModifiedTime());
        if (flag == TarConstants.LF_LINK) {
            throw PyroException.invalid("hard links are not allowed in workspace archives: " + name);
        }
        boolean plainFlag = flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM
                || flag == TarConstants.LF_CONTIG || flag == TarConstants.LF_GNUTYPE_SPARSE;
        boolean directory = flag == TarConstants.LF_DIR || plainFlag && name.endsWith("/");
        if (path.isEmpty()) {
            // "./" is the destination itself: nothing to create, and its mode is not the archive's to set
            if (directory) return null;
            throw MemberPath.unsafe(name);
        }
        if (flag == TarConstants.LF_SYMLINK) {
            return ImportEntry.symlink(path, member.getLinkName(), mtime);
        }
        if (directory) {
            return ImportEntry.directory(path, member.getMode(), mtime);
        }
        if (plainFlag) {
            long size = member.isSparse() ? member.getRealSize() : member.getSize();
            return ImportEntry.file(path, member.getMode(), mtime, size);
        }
        throw PyroException.invalid("unsupported archive member type: " + name);
    }

    /** A member name as errors show it: {@code src/} is {@code src}, as Python's tarfile names it. */
    private static String displayName(String name) {
        String shown = name;
        while (shown.length() > 1 && shown.endsWith("/")) shown = shown.substring(0, shown.length() - 1);
        return shown;
    }

    private static long nanos(FileTime time) {
        return time == null ? 0 : time.to(TimeUnit.NANOSECONDS);
    }
}
