package dev.pyro.engine.cache;

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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Whole-directory operations for cache entries: staging, publishing and removal. */
public final class FileTrees {

    private FileTrees() {
    }

    /**
     * A fresh staging directory {@code .partial-<name>-<random>} next to where the entry will live,
     * so the final rename stays on one file system and is atomic.
     */
    public static Path createStaging(Path parent, String name) throws IOException {
        Files.createDirectories(parent);
        return Files.createDirectory(parent.resolve(".partial-" + name + "-" + UUID.randomUUID().toString().substring(0, 8)));
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
        try (DirectoryStream<Path> parent = Files.newDirectoryStream(absolute.getParent())) {
            if (parent instanceof SecureDirectoryStream<Path> secure) {
                deleteBeneath(secure, absolute.getFileName());
                return;
            }
        }
        deleteByPath(path); // no descriptor-relative access on this platform
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
