package dev.pyro.engine.workspace.files;

import dev.pyro.api.PyroException;
import dev.pyro.engine.cache.FileTrees;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.UUID;

/**
 * The host side of an export: where it goes, and making it appear there whole or not at all. The
 * export is built in a hidden staging path next to {@code output_path} (same file system, so the
 * final move is a rename) and only moved into place once every entry was written and checked; a
 * failed export leaves nothing behind.
 */
final class HostOutput {

    private final Path target;
    private final boolean overwrite;

    private HostOutput(Path target, boolean overwrite) {
        this.target = target;
        this.overwrite = overwrite;
    }

    /** Resolves {@code output_path} ({@code ~} expanded) and refuses an existing one unless overwriting. */
    static HostOutput prepare(String rawOutputPath, boolean overwrite) {
        if (rawOutputPath == null || rawOutputPath.isBlank()) {
            throw PyroException.invalid("output_path must not be empty");
        }
        HostOutput out = new HostOutput(HostPaths.expand(rawOutputPath), overwrite);
        out.refuseExisting();
        return out;
    }

    Path target() {
        return target;
    }

    /**
     * A fresh staging path (not created) beside the target; its parent directories are created.
     * Its name says which engine made it ({@code .pyro-export-<pid>-<start ms>-<random>}), so a
     * later export into the same directory removes what a killed engine left there (issue 17: an
     * 89 MB {@code .pyro-export-*} stayed after kill -9).
     */
    Path stagingPath() {
        Path parent = target.getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw PyroException.invalid("output_path cannot be created: " + parent + ": " + e.getMessage());
        }
        removeStale(parent);
        ProcessHandle self = ProcessHandle.current();
        return parent.resolve(STAGING_PREFIX + self.pid() + "-" + startMillis(self) + "-"
                + UUID.randomUUID().toString().substring(0, 8));
    }

    static final String STAGING_PREFIX = ".pyro-export-";

    /**
     * Removes staging paths in {@code dir} whose engine is gone (no such pid, or a pid reused by a
     * later process). Only names this class makes and only entries the current user owns; links
     * are removed, never followed. Best effort: a leftover is litter, not a fault.
     */
    static void removeStale(Path dir) {
        try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, STAGING_PREFIX + "*")) {
            UserPrincipal me = dir.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name"));
            for (Path candidate : found) {
                String[] parts = candidate.getFileName().toString().substring(STAGING_PREFIX.length()).split("-");
                if (parts.length != 3) continue;
                long pid;
                long start;
                try {
                    pid = Long.parseLong(parts[0]);
                    start = Long.parseLong(parts[1]);
                } catch (NumberFormatException e) {
                    continue;
                }
                boolean alive = ProcessHandle.of(pid).map(h -> startMillis(h) == start || startMillis(h) == 0)
                        .orElse(false);
                if (alive || !me.equals(Files.getOwner(candidate, LinkOption.NOFOLLOW_LINKS))) continue;
                discard(candidate);
            }
        } catch (IOException | RuntimeException ignored) {
            // nothing removed: the export itself goes on
        }
    }

    /** When a process started, in ms since the epoch; 0 when the system does not say. */
    private static long startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /** Moves the finished staging path into place (replacing the target only when overwriting). */
    void commit(Path staging) throws IOException {
        refuseExisting(); // again: something may have appeared while the export ran
        if (overwrite) FileTrees.deleteRecursively(target); // the link itself, never what it points to
        try {
            Files.move(staging, target);
        } catch (FileAlreadyExistsException e) {
            throw exists();
        }
    }

    /** Removes a staging path after a failure; best effort, the failure is what matters. */
    static void discard(Path staging) {
        try {
            FileTrees.deleteRecursively(staging);
        } catch (IOException ignored) {
            // a leftover .pyro-export-* is harmless and visibly named
        }
    }

    private void refuseExisting() {
        if (!overwrite && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) throw exists();
    }

    private PyroException exists() {
        return PyroException.invalid("output_path already exists: " + target);
    }
}
