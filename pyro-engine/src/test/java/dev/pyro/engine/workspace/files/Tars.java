package dev.pyro.engine.workspace.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/** Builds real tar archives in tests, hostile ones included (names are written as given). */
final class Tars {

    static final Instant MTIME = Instant.parse("2024-05-06T07:08:09Z");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

    private Tars() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    static Tars create() {
        return new Tars();
    }

    Tars dir(String name) {
        return entry(member(name, TarConstants.LF_DIR, 0755), null);
    }

    Tars file(String name, String content) {
        return file(name, content, 0644);
    }

    Tars file(String name, String content, int mode) {
        return entry(member(name, TarConstants.LF_NORMAL, mode), content.getBytes(StandardCharsets.UTF_8));
    }

    Tars symlink(String name, String target) {
        TarArchiveEntry e = member(name, TarConstants.LF_SYMLINK, 0777);
        e.setLinkName(target);
        return entry(e, null);
    }

    Tars hardLink(String name, String target) {
        TarArchiveEntry e = member(name, TarConstants.LF_LINK, 0644);
        e.setLinkName(target);
        return entry(e, null);
    }

    Tars special(String name, byte flag) {
        return entry(member(name, flag, 0644), null);
    }

    Tars globalPaxHeader(String key, String value) {
        try {
            TarArchiveEntry e = new TarArchiveEntry("pax_global_header", TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER);
            e.addPaxHeader(key, value);
            tar.putArchiveEntry(e); // commons-compress writes and closes a global header itself
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return this;
    }

    byte[] build() {
        try {
            tar.finish();
            tar.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static TarArchiveEntry member(String name, byte flag, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, flag, true); // keep absolute names: tests need them
        e.setMode(mode);
        e.setLastModifiedTime(FileTime.from(MTIME));
        return e;
    }

    private Tars entry(TarArchiveEntry e, byte[] data) {
        try {
            if (data != null) e.setSize(data.length);
            tar.putArchiveEntry(e);
            if (data != null) tar.write(data);
            tar.closeArchiveEntry();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return this;
    }

    /** A lone header (no data follows) declaring {@code size} bytes: a bomb that costs nothing to build. */
    static byte[] header(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setLastModifiedTime(FileTime.from(MTIME));
        byte[] block = new byte[512];
        e.writeEntryHeader(block);
        return block;
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] zstd(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = new ZstdCompressorOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Path write(Path dir, String fileName, byte[] data) {
        try {
            return Files.write(dir.resolve(fileName), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
