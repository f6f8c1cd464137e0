package dev.pyro.mcp.project;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One tracked path of a checkout, reached from the checkout's root one directory at a time through
 * open descriptors with {@code O_NOFOLLOW}: Git lists {@code sub/f} from its index even when the
 * worktree's {@code sub} is now a symlink to {@code /etc}, and resolving the path would copy what
 * is there (issue 17, the class of A.4). A path with a link on the way is simply not found.
 */
final class BeneathRoot implements Closeable {

    private final List<SecureDirectoryStream<Path>> open = new ArrayList<>();
    private final SecureDirectoryStream<Path> parent;
    private final Path name;
    private final Path root;
    private final String relative;

    private BeneathRoot(Path root, String relative) throws IOException {
        this.root = root;
        this.relative = relative;
        String[] parts = relative.split("/");
        DirectoryStream<Path> top = Files.newDirectoryStream(root);
        if (!(top instanceof SecureDirectoryStream<Path> dir)) {
            top.close();
            throw new IOException("this host offers no descriptor-relative directory access");
        }
        open.add(dir);
        try {
            SecureDirectoryStream<Path> current = dir;
            for (int i = 0; i < parts.length - 1; i++) {
                current = current.newDirectoryStream(Path.of(parts[i]), LinkOption.NOFOLLOW_LINKS);
                open.add(current);
            }
            this.parent = current;
            this.name = Path.of(parts[parts.length - 1]);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The parents of {@code relative} under {@code root}, opened; fails if one is a link or missing. */
    static BeneathRoot open(Path root, String relative) throws IOException {
        return new BeneathRoot(root, relative);
    }

    /** The path's own attributes, not following it if it is a link. */
    PosixFileAttributes attributes() throws IOException {
        return parent.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes();
    }

    /** The content of a regular file, opened relative to its parent with {@code O_NOFOLLOW}. */
    InputStream openFile() throws IOException {
        SeekableByteChannel channel = parent.newByteChannel(name,
                Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        return Channels.newInputStream(channel);
    }

    /**
     * A symlink's target. Java has no {@code readlinkat}: it is read by path and must then belong to
     * the link found through the descriptors (same inode, same length), else the path changed.
     */
    String readLink(PosixFileAttributes seen) throws IOException {
        Path link = root.resolve(relative);
        String target = Files.readSymbolicLink(link).toString();
        Object after = Files.readAttributes(link, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        if (!seen.fileKey().equals(after) || target.getBytes(StandardCharsets.UTF_8).length != seen.size()) {
            throw new IOException(relative + " changed while it was being read");
        }
        return target;
    }

    @Override
    public void close() {
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (IOException ignored) {
                // read-only handles
            }
        }
        open.clear();
    }
}
