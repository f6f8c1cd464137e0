package dev.pyro.mcp.project;

import dev.pyro.api.PyroException;
import dev.pyro.api.workspace.SeedOrigin;
import dev.pyro.protocol.ErrorText;
import dev.pyro.sdk.HostFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.io.InputStream;

/**
 * The project source made into a seed directory for one {@code workspace_create}: the Git-tracked
 * files of the checkout (or of a fresh clone), copied to a temp dir that {@link #close()} removes.
 * The user's checkout is only read, never changed.
 */
public final class ProjectSeed implements AutoCloseable {

    private final Path seedPath;
    private final SeedOrigin origin;
    private final Path tempRoot;

    private ProjectSeed(Path seedPath, SeedOrigin origin, Path tempRoot) {
        this.seedPath = seedPath;
        this.origin = origin;
        this.tempRoot = tempRoot;
    }

    public Path seedPath() {
        return seedPath;
    }

    public SeedOrigin origin() {
        return origin;
    }

    public static ProjectSeed stage(ProjectSource source) {
        Path temp = null;
        try {
            temp = Files.createTempDirectory("pyro-project-source-");
            Path tree = temp.resolve("tree");
            if (SeedOrigin.REPO_URL.equals(source.kind())) {
                Path clone = temp.resolve("clone");
                Git.Result cloned = Git.run(temp, "clone", "--quiet", source.originRef(), clone.toString());
                if (!cloned.ok()) {
                    throw PyroException.invalid("failed to clone repo_url '" + source.originRef() + "': "
                            + orElse(cloned.stderr(), "git clone failed"));
                }
                if (source.repoRef() != null) {
                    Git.Result checkout = Git.run(clone, "checkout", "--quiet", source.repoRef());
                    if (!checkout.ok()) {
                        throw PyroException.invalid("failed to checkout repo_ref '" + source.repoRef()
                                + "' for repo_url '" + source.originRef() + "': "
                                + orElse(checkout.stderr(), "git checkout failed"));
                    }
                }
                copyTracked(clone, tree);
            } else if (Git.topLevel(source.path()) != null) {
                copyTracked(source.path(), tree);
            } else {
                // Not a Git checkout: the directory itself is the seed.
                HostFiles.deleteTree(temp);
                return new ProjectSeed(source.path(), source.origin(), null);
            }
            return new ProjectSeed(tree, source.origin(), temp);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw PyroException.runtime("staging " + source.describe() + " failed: " + ErrorText.of(e), e);
        } catch (RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    /**
     * Copies what {@code git ls-files} lists: tracked files and symlinks. Ignored and untracked
     * (generated) files are not listed; tracked files deleted or unreadable in the worktree, and
     * submodules, are skipped.
     */
    static int copyTracked(Path root, Path target) throws IOException {
        Git.Result listed = Git.run(root, "ls-files", "-z", "--cached");
        if (!listed.ok()) {
            throw PyroException.invalid("git ls-files failed in " + root + ": " + listed.stderr());
        }
        Files.createDirectories(target);
        int copied = 0;
        for (String relative : listed.stdout().split("\0")) {
            if (relative.isEmpty()) {
                continue;
            }
            Path dest = target.resolve(relative).normalize();
            if (!dest.startsWith(target) || !dest.getParent().startsWith(target)) {
                continue;
            }
            // every level from the root through open descriptors: a parent that is now a link is not followed
            try (BeneathRoot source = BeneathRoot.open(root, relative)) {
                PosixFileAttributes attrs = source.attributes();
                if (attrs.isSymbolicLink()) {
                    String link = source.readLink(attrs);
                    Files.createDirectories(dest.getParent());
                    Files.createSymbolicLink(dest, Path.of(link));
                    copied++;
                } else if (attrs.isRegularFile()) {
                    Files.createDirectories(dest.getParent());
                    try (InputStream in = source.openFile()) {
                        Files.copy(in, dest);
                    }
                    Files.setPosixFilePermissions(dest, attrs.permissions());
                    Files.setLastModifiedTime(dest, attrs.lastModifiedTime());
                    copied++;
                }
            } catch (java.nio.file.AccessDeniedException | java.nio.file.NoSuchFileException
                     | java.nio.file.NotDirectoryException e) {
                // unreadable, deleted, or a parent is no longer a directory: left out, as before
            } catch (java.nio.file.FileSystemException e) {
                // ELOOP: a parent directory is now a symlink; what it points to is not the project's
                if (e.getReason() == null || !e.getReason().contains("symbolic link")) throw e;
            }
        }
        return copied;
    }

    private static String orElse(String text, String fallback) {
        return text == null || text.isBlank() ? fallback : text;
    }

    private static void deleteQuietly(Path dir) {
        if (dir != null) {
            try {
                HostFiles.deleteTree(dir);
            } catch (IOException ignored) {
                // a temp dir left behind is harmless
            }
        }
    }

    @Override
    public void close() {
        deleteQuietly(tempRoot);
    }
}
