package dev.pyro.engine.cache;

import dev.pyro.engine.host.HostPrivilege;
import dev.pyro.engine.host.UserNamespace;
import dev.pyro.engine.process.HostCommand;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Whole-directory operations for cache entries: staging, publishing and removal. */
public final class FileTrees {

    private FileTrees() {
    }

    static final String STAGING_PREFIX = ".partial-";
    /** {@code .partial-<name>-p<pid>-s<process start, epoch ms>-<random>}: the builder is named in the dir. */
    private static final Pattern OWNED_STAGING = Pattern.compile("\\.partial-.*-p(\\d+)-s(\\d+)-[0-9a-f]{8}");
    /** Process start times are kept in clock ticks (10 ms); allow for rounding between readers. */
    private static final long START_TOLERANCE_MILLIS = 1_000;

    /**
     * A fresh staging directory next to where the entry will live, so the final rename stays on one
     * file system and is atomic. Its name carries this process's pid and start time, so a cleanup
     * can tell a build in progress from one a crashed process left ({@link #stagingInUse}).
     */
    public static Path createStaging(Path parent, String name) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        return createStaging(parent, name, self.pid(), startMillis(self));
    }

    static Path createStaging(Path parent, String name, long pid, long startMillis) throws IOException {
        Files.createDirectories(parent);
        return Files.createDirectory(parent.resolve(STAGING_PREFIX + name + "-p" + pid + "-s" + startMillis + "-"
                + UUID.randomUUID().toString().substring(0, 8)));
    }

    /**
     * Whether the process that made this staging dir still runs (then its build is in progress and
     * the dir must stay). A dir not named by {@link #createStaging} (older releases) says nothing
     * about its builder and counts as not in use; such dirs are only removed under the entry's lock.
     */
    public static boolean stagingInUse(Path staging) {
        Matcher m = OWNED_STAGING.matcher(staging.getFileName().toString());
        if (!m.matches()) {
            return false;
        }
        long pid;
        long started;
        try {
            pid = Long.parseLong(m.group(1));
            started = Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> owner = ProcessHandle.of(pid);
        if (owner.isEmpty() || !owner.get().isAlive()) {
            return false;
        }
        long ownerStart = startMillis(owner.get());
        // A pid reused by a later process has a different start time. Unknown start: assume in use.
        return ownerStart == 0 || Math.abs(ownerStart - started) <= START_TOLERANCE_MILLIS;
    }

    /**
     * Deletes the {@code .partial-*} staging dirs under {@code parent} whose builder is gone (a
     * crashed build); ones whose builder still runs are left alone. Returns the names deleted.
     */
    public static List<String> removeAbandonedStaging(Path parent) throws IOException {
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        List<Path> abandoned;
        try (Stream<Path> children = Files.list(parent)) {
            abandoned = children.filter(c -> c.getFileName().toString().startsWith(STAGING_PREFIX))
                    .filter(c -> !stagingInUse(c)).sorted().toList();
        }
        List<String> deleted = new ArrayList<>();
        for (Path dir : abandoned) {
            deleteRecursively(dir);
            deleted.add(dir.getFileName().toString());
        }
        return deleted;
    }

    private static long startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /** Makes a finished staging directory visible under {@code target}, replacing what was there. */
    public static void publish(Path staging, Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            deleteRecursively(target);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Deletes a file or directory tree without following links; a missing path is fine. Every level
     * is opened relative to its parent's open descriptor with {@code O_NOFOLLOW} and removed with
     * {@code unlinkat} there: a directory swapped for a symlink while the delete runs (a guest's
     * files, another user's) cannot lead it to delete what the link points to (issue 17, the class
     * of A.4; a walk by path would descend into the link).
     */
    public static void deleteRecursively(Path path) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attrs.isDirectory()) {
            Files.deleteIfExists(path);
            return;
        }
        Path absolute = path.toAbsolutePath();
        try {
            deleteTree(absolute);
        } catch (AccessDeniedException e) {
            if (HostPrivilege.current() != HostPrivilege.USER) {
                throw e;
            }
            deleteInUserNamespace(absolute);
        }
    }

    /**
     * An ordinary user's environment trees and sandbox layers hold files of the user's subordinate
     * ids ({@code _apt}, {@code man}, ...) in dirs the user cannot write outside a namespace: those
     * go through one. {@code rm -r} does not follow links ({@code unlinkat} beneath each dir) and
     * {@code --one-file-system} keeps it out of anything mounted there.
     */
    private static void deleteInUserNamespace(Path absolute) throws IOException {
        try {
            HostCommand.of(UserNamespace.command(List.of("rm", "-rf", "--one-file-system", "--",
                    absolute.toString()))).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while deleting " + absolute, e);
        } catch (RuntimeException e) {
            throw new IOException("cannot delete " + absolute + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path absolute) throws IOException {
        try (DirectoryStream<Path> parent = Files.newDirectoryStream(absolute.getParent())) {
            if (parent instanceof SecureDirectoryStream<Path> secure) {
                deleteBeneath(secure, absolute.getFileName());
                return;
            }
        }
        deleteByPath(absolute); // no descriptor-relative access on this platform
    }

    private static void deleteBeneath(SecureDirectoryStream<Path> parent, Path name) throws IOException {
        SecureDirectoryStream<Path> opened;
        try {
            opened = parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        } catch (FileSystemException e) {
            if (e instanceof AccessDeniedException) {
                throw e;
            }
            // swapped for a link or a file since it was stat'ed (ELOOP, ENOTDIR): remove that name only
            deleteQuietly(parent, name);
            return;
        }
        try (SecureDirectoryStream<Path> dir = opened) {
            List<Path> children = new ArrayList<>();
            for (Path child : dir) {
                children.add(child.getFileName());
            }
            for (Path child : children) {
                BasicFileAttributes attrs;
                try {
                    attrs = dir.getFileAttributeView(child, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                            .readAttributes();
                } catch (NoSuchFileException e) {
                    continue;
                }
                if (attrs.isDirectory()) {
                    deleteBeneath(dir, child);
                } else {
                    deleteQuietly(dir, child);
                }
            }
        }
        try {
            parent.deleteDirectory(name);
        } catch (NoSuchFileException ignored) {
            // gone already
        }
    }

    private static void deleteQuietly(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        try {
            dir.deleteFile(name);
        } catch (NoSuchFileException ignored) {
            // gone already
        }
    }

    private static void deleteByPath(Path path) throws IOException {
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
