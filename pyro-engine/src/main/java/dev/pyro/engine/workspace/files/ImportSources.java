package dev.pyro.engine.workspace.files;

import dev.pyro.api.PyroException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Turns a user's {@code seed_path} or {@code source_path} into an {@link ImportSource} (spec §7.2, §7.7). */
public final class ImportSources {

    private ImportSources() {
    }

    /**
     * A directory, or a file that is a tar archive (plain, gzip or zstd: told by content, not by
     * name). {@code field} names the argument in errors: {@code seed_path {p} does not exist},
     * {@code source_path must be a directory or a .tar/.tar.gz/.tgz archive}.
     */
    public static ImportSource open(String field, String rawPath, TransferLimits limits) {
        if (rawPath == null || rawPath.isBlank()) {
            throw PyroException.invalid(field + " is required");
        }
        Path path = HostPaths.expand(rawPath);
        if (!Files.exists(path)) {
            throw PyroException.invalid(field + " " + path + " does not exist");
        }
        Path real;
        try {
            // the user named this path: following a link to it is what they asked for
            real = path.toRealPath();
        } catch (IOException e) {
            throw PyroException.invalid(field + " cannot be read: " + path + ": " + e.getMessage());
        }
        if (Files.isDirectory(real)) {
            return new DirectorySource(real, field, limits);
        }
        ArchiveFormat format = null;
        if (Files.isRegularFile(real)) {
            try {
                format = ArchiveFormat.detect(real);
            } catch (IOException e) {
                throw PyroException.invalid(field + " cannot be read: " + path + ": " + e.getMessage());
            }
        }
        if (format == null) {
            throw PyroException.invalid(field + " must be a directory or a .tar/.tar.gz/.tgz archive");
        }
        return new TarSource(real, format, field, limits);
    }
}
