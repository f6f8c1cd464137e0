package dev.pyro.engine.workspace.files;

import dev.pyro.api.PyroException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A host directory to import, walked like the reference builds its seed tar (§8.2): children
 * sorted by name, parents before children, symlinks kept as symlinks and never followed. The same
 * member rules as for an archive then apply, so a link pointing out of the directory refuses the
 * whole import ({@code symlink link escapes the workspace}). Hard-linked files are just files
 * here. Sockets are skipped, as Python's tarfile does; FIFOs and devices are refused.
 *
 * <p><b>No path is resolved twice.</b> Whoever can write inside the directory may swap a
 * subdirectory for a symlink while the import runs (issue 17: {@code sub} swapped for a link to
 * {@code /etc} copied {@code /etc/shadow} into the guest). So every level is opened relative to
 * its parent's open descriptor with {@code O_NOFOLLOW} ({@link SecureDirectoryStream}), stat'ed
 * through that descriptor, and files are read through it too: a name can only ever reach what is
 * inside the directory the walk already holds. Each directory opened must also be the one that
 * was stat'ed (device and inode), and in the second pass the one the first pass saw.
 */
public final class DirectorySource implements ImportSource {

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final Path root;
    private final String field;
    private final TransferLimits limits;
    /** Device and inode of each directory as the first pass opened it ({@code ""} is the root). */
    private final Map<String, Object> directoryKeys = new HashMap<>();
    /** Called with a path just before it is opened; tests widen the race window here. */
    private Consumer<String> beforeOpen = rel -> { };

    public DirectorySource(Path root, String field, TransferLimits limits) {
        this.root = root;
        this.field = field;
        this.limits = limits;
    }

    /** Test seam: runs {@code hook} between a path's stat and its open, where a swap would race. */
    DirectorySource beforeOpen(Consumer<String> hook) {
        this.beforeOpen = Objects.requireNonNull(hook);
        return this;
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
        directoryKeys.clear();
        walkRoot((entry, dir, name) -> plan.add(entry, entry.path()));
        return plan.build(mode(), root);
    }

    @Override
    public void replay(ImportPlan plan, EntryHandler handler) {
        if (directoryKeys.isEmpty()) throw new IllegalStateException("replay before inspect");
        Iterator<ImportEntry> expected = plan.entries().iterator();
        walkRoot((now, dir, name) -> {
            if (!expected.hasNext() || !expected.next().equals(now)) throw changed(now.path());
            if (now.type() == EntryType.FILE) {
                beforeOpen.accept(now.path());
                // relative to the directory we hold, and O_NOFOLLOW: a swapped name cannot lead out
                try (InputStream in = Channels.newInputStream(dir.newByteChannel(name,
                        Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)))) {
                    handler.accept(now, new ExactLength(in, now.size(), now.path()));
                }
            } else {
                handler.accept(now, null);
            }
        });
        if (expected.hasNext()) throw changed(expected.next().path());
    }

    // ------------------------------------------------------------------ the walk

    private interface Visitor {
        void visit(ImportEntry entry, SecureDirectoryStream<Path> parent, Path name) throws IOException;
    }

    private void walkRoot(Visitor visitor) {
        DirectoryStream<Path> opened;
        try {
            // the user named this path (already resolved): following links up to it is what they asked for
            opened = Files.newDirectoryStream(root);
        } catch (IOException e) {
            throw unreadable("", e);
        }
        if (!(opened instanceof SecureDirectoryStream<Path> dir)) {
            close(opened);
            throw new PyroException(PyroException.Kind.RUNTIME, field
                    + " cannot be read safely on this host: Java offers no descriptor-relative directory access here");
        }
        try (dir) {
            pin(dir, "", null);
            walk(dir, "", visitor);
        } catch (IOException e) {
            throw unreadable("", e);
        }
    }

    private void walk(SecureDirectoryStream<Path> dir, String prefix, Visitor visitor) {
        for (Path name : children(dir, prefix)) {
            // a listed name is one exact component: only its length can be wrong (no strip, no dots)
            String rel = prefix + name;
            MemberPath.checkLength(rel, rel);
            Described found = describe(dir, name, rel);
            if (found == null) continue;
            try {
                visitor.visit(found.entry(), dir, name);
            } catch (IOException e) {
                throw unreadable(rel, e);
            }
            if (found.entry().type() != EntryType.DIRECTORY) continue;
            beforeOpen.accept(rel);
            try (SecureDirectoryStream<Path> child = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                pin(child, rel, found.key());
                walk(child, rel + "/", visitor);
            } catch (IOException e) {
                throw unreadable(rel, e);
            }
        }
    }

    /**
     * The opened directory must be the one stat'ed a moment before (else something was swapped in
     * between) and, in the second pass, the one the first pass opened.
     */
    private void pin(SecureDirectoryStream<Path> dir, String rel, Object statKey) throws IOException {
        Object key = dir.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
        if (key == null) throw new IllegalStateException("no file keys on this file system");
        if (statKey != null && !statKey.equals(key)) throw changed(rel);
        Object first = directoryKeys.putIfAbsent(rel, key);
        if (first != null && !first.equals(key)) throw changed(rel);
    }

    private record Described(ImportEntry entry, Object key) {
    }

    /** The entry for a name in {@code dir} as it is now ({@code fstatat}, no follow), or null for a socket. */
    private Described describe(SecureDirectoryStream<Path> dir, Path name, String rel) {
        PosixFileAttributes attrs;
        try {
            attrs = dir.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        } catch (IOException e) {
            throw unreadable(rel, e);
        }
        int mode = permissions(attrs.permissions());
        long mtime = attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        if (attrs.isDirectory()) return new Described(ImportEntry.directory(rel, mode, mtime), attrs.fileKey());
        if (attrs.isRegularFile()) return new Described(ImportEntry.file(rel, mode, mtime, attrs.size()), attrs.fileKey());
        if (attrs.isSymbolicLink()) {
            return new Described(ImportEntry.symlink(rel, readLink(rel, attrs), mtime), attrs.fileKey());
        }
        if (isSocket(rel)) return null;
        throw PyroException.invalid("unsupported archive member type: " + rel);
    }

    /**
     * Java has no {@code readlinkat}, so the target is read by path and then checked to belong to
     * the link the descriptor-relative stat found: same inode and same length. Only a link's text
     * could come from elsewhere, and only by two swaps inside that window; no file content can.
     */
    private String readLink(String rel, PosixFileAttributes seen) {
        Path link = root.resolve(rel);
        try {
            String target = Files.readSymbolicLink(link).toString();
            Object after = Files.readAttributes(link, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (!seen.fileKey().equals(after) || target.getBytes(StandardCharsets.UTF_8).length != seen.size()) {
                throw changed(rel);
            }
            return target;
        } catch (IOException e) {
            throw unreadable(rel, e);
        }
    }

    /**
     * Sockets are skipped, FIFOs and devices refused; Java's descriptor-relative stat does not tell
     * them apart, so this one looks by path. A swap here can only change which of the two happens.
     */
    private boolean isSocket(String rel) {
        try {
            int mode = (Integer) Files.getAttribute(root.resolve(rel), "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & S_IFMT) == S_IFSOCK;
        } catch (IOException e) {
            throw unreadable(rel, e);
        }
    }

    private List<Path> children(SecureDirectoryStream<Path> dir, String prefix) {
        List<Path> names = new ArrayList<>();
        try {
            for (Path child : dir) names.add(child.getFileName());
        } catch (RuntimeException e) {
            if (e.getCause() instanceof IOException io) throw unreadable(prefix, io);
            throw e;
        }
        // sorted by name as bytes would be; Path ordering is by string on Unix
        names.sort(null);
        return names;
    }

    private static int permissions(Set<PosixFilePermission> set) {
        int mode = 0;
        for (PosixFilePermission p : set) mode |= 0400 >> p.ordinal(); // OWNER_READ .. OTHERS_EXECUTE
        return mode;
    }

    private static void close(DirectoryStream<Path> stream) {
        try {
            stream.close();
        } catch (IOException ignored) {
            // nothing was read through it
        }
    }

    // ------------------------------------------------------------------ errors

    private PyroException unreadable(String rel, IOException e) {
        String shown = rel.isEmpty() ? root.toString() : root.resolve(rel).toString();
        if (e instanceof ExactLength.Changed || e instanceof NoSuchFileException || e instanceof NotDirectoryException) {
            return changed(rel.isEmpty() ? "." : rel);
        }
        // ELOOP from O_NOFOLLOW: a directory was swapped for a symlink since it was stat'ed
        if (e instanceof FileSystemException fs && fs.getReason() != null
                && fs.getReason().contains("symbolic links")) {
            return changed(rel);
        }
        String why = e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
        return PyroException.invalid(field + " cannot be read: " + shown + ": " + why);
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
