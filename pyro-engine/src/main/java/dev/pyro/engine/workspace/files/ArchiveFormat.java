package dev.pyro.engine.workspace.files;

import dev.pyro.api.PyroException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdUtils;

/**
 * The archive encodings an import accepts, told apart by their first bytes rather than the file
 * name: a {@code seed.tgz} that is really a plain tar works, a {@code notes.tar} that is a PDF
 * does not.
 */
public enum ArchiveFormat {
    TAR, GZIP, ZSTD;

    private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};
    private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
    private static final int TAR_BLOCK = 512;
    private static final int USTAR_OFFSET = 257;

    /** The format of the file at {@code path}, or null when it is none of them. */
    public static ArchiveFormat detect(Path path) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(TAR_BLOCK);
        }
        return detect(head);
    }

    static ArchiveFormat detect(byte[] head) {
        if (startsWith(head, GZIP_MAGIC)) return GZIP;
        if (startsWith(head, ZSTD_MAGIC)) return ZSTD;
        if (head.length == TAR_BLOCK && looksLikeTar(head)) return TAR;
        return null;
    }

    /**
     * A ustar magic, or a v7 header whose checksum adds up, or an all-zero first block (an empty
     * archive: what the baseline of an unseeded workspace is).
     */
    private static boolean looksLikeTar(byte[] block) {
        byte[] magic = Arrays.copyOfRange(block, USTAR_OFFSET, USTAR_OFFSET + 5);
        if (Arrays.equals(magic, "ustar".getBytes(StandardCharsets.US_ASCII))) return true;
        boolean allZero = true;
        for (byte b : block) {
            if (b != 0) {
                allZero = false;
                break;
            }
        }
        if (allZero) return true;
        try {
            return TarUtils.verifyCheckSum(block);
        } catch (IllegalArgumentException e) {
            // a checksum field that is not octal: not a tar (and the exception quotes the file's bytes)
            return false;
        }
    }

    /** The tar byte stream inside {@code raw}. */
    InputStream decode(InputStream raw) throws IOException {
        return switch (this) {
            case TAR -> raw;
            // concatenated members: pigz and `cat a.gz b.gz` produce them
            case GZIP -> GzipCompressorInputStream.builder().setInputStream(raw).setDecompressConcatenated(true).get();
            case ZSTD -> {
                if (!ZstdUtils.isZstdCompressionAvailable()) {
                    throw new PyroException(PyroException.Kind.RUNTIME,
                            "zstd archives need the zstd-jni native library, which cannot be loaded on this host;"
                                    + " use a .tar or .tar.gz archive instead");
                }
                yield new ZstdCompressorInputStream(raw);
            }
        };
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        return head.length >= magic.length && Arrays.equals(Arrays.copyOf(head, magic.length), magic);
    }
}
