package dev.pyro.engine.workspace.files;

import dev.pyro.engine.PyroException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A host directory to import, walked like the reference builds its seed tar (§8.2): children
 * sorted by name, parents before children, symlinks kept as symlinks and never followed. The same
 * member rules as for an archive then apply, so a link pointing out of the directory refuses the
 * whole import ({@code symlink link escapes the workspace}). Hard-linked files are just files
 * here. Sockets are skipped, as Python's tarfile does; FIFOs and devices are refused.
 */
public final class DirectorySource implements ImportSource {

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;

    private final Path root;
    private final String field;
    private final TransferLimits limits;

    public DirectorySource(Path root, String field, TransferLimits limits) {
        this.root = root;
        this.field = field;
        this.limits = limits;
    }

    @Override
    public String mode() {
        return "directory";
    }

    @Override
    public Path path() {
        return root;
    }

    @Override
    public ImportPlan inspect() {
        PlanBuilder plan = new PlanBuilder(field, limits);
        walk(root, "", plan);
        return plan.build(mode(), root);
    }

    private void walk(Path dir, String prefix, PlanBuilder plan) {
        for (Path child : children(dir)) {
            // a listed name is one exact component: only its length can be wrong (no strip, no dots)
            String rel = prefix + child.getFileName();
            MemberPath.checkLength(rel, rel);
            ImportEntry entry = describe(child, rel);
            if (entry == null) continue;
            plan.add(entry, rel);
            if (entry.type() == EntryType.DIRECTORY) walk(child, rel + "/", plan);
        }
    }

    /** The entry for a host path as it is now, or null for a socket. */
    private ImportEntry describe(Path file, String rel) {
        Map<String, Object> attrs = attributes(file);
        int mode = (Integer) attrs.get("mode");
        long mtime = ((FileTime) attrs.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
        return switch (mode & S_IFMT) {
            case S_IFDIR -> ImportEntry.directory(rel, mode, mtime);
            case S_IFREG -> ImportEntry.file(rel, mode, mtime, (Long) attrs.get("size"));
            case S_IFLNK -> ImportEntry.symlink(rel, readLink(file), mtime);
            case S_IFSOCK -> null;
            default -> throw PyroException.invalid("unsupported archive member type: " + rel);
        };
    }

    @Override
    public void replay(ImportPlan plan, EntryHandler handler) {
        for (ImportEntry expected : plan.entries()) {
            Path file = root.resolve(expected.path());
            ImportEntry now;
            try {
                now = describe(file, expected.path());
            } catch (PyroException e) {
                throw changed(expected.path());
            }
            if (!expected.equals(now)) throw changed(expected.path());
            try {
                if (expected.type() == EntryType.FILE) {
                    // NOFOLLOW: a file swapped for a link since inspect is not read through it
                    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                        handler.accept(expected, new ExactLength(in, expected.size(), expected.path()));
                    }
                } else {
                    handler.accept(expected, null);
                }
            } catch (IOException e) {
                throw unreadable(file, e);
            }
        }
    }

    private List<Path> children(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            // sorted by name as bytes would be; Path ordering is by string on Unix
            return list.sorted().toList();
        } catch (IOException e) {
            throw unreadable(dir, e);
        }
    }

    private Map<String, Object> attributes(Path file) {
        try {
            return Files.readAttributes(file, "unix:mode,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            throw unreadable(link, e);
        }
    }

    private PyroException unreadable(Path file, IOException e) {
        if (e instanceof ExactLength.Changed) return changed(root.relativize(file).toString());
        if (e instanceof NoSuchFileException) return changed(root.relativize(file).toString());
        String why = e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
        return PyroException.invalid(field + " cannot be read: " + file + ": " + why);
    }

    private PyroException changed(String rel) {
        return new PyroException(PyroException.Kind.RUNTIME,
                field + " changed while it was being imported, at " + rel + "; import it again");
    }

    /** A file's content cut to the size inspected; a file that shrank since is an error, not a short write. */
    static final class ExactLength extends FilterInputStream {
        static final class Changed extends IOException {
            Changed(String rel) {
                super("file shrank while importing: " + rel);
            }
        }

        private final String rel;
        private long left;

        ExactLength(InputStream in, long length, String rel) {
            super(in);
            this.left = length;
            this.rel = rel;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) return -1;
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n < 0) throw new Changed(rel);
            left -= n;
            return n;
        }
    }
}
