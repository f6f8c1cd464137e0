package dev.pyro.engine.workspace.files;

import dev.pyro.api.PyroException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Copies a guest path out to the host (spec §12.3): a file to a file, a symlink to a symlink, a
 * directory to a directory tree. A path ending in {@code .tar} still gets a directory, as in the
 * reference: the payload's {@code artifact_type} always says what the guest had.
 *
 * <p>Everything the guest says is untrusted: names are checked to be single components, links are
 * recreated, never followed, and must stay inside the exported tree, files are created with
 * {@code O_EXCL} inside directories this export made itself, and sizes and counts are bounded.
 * Symlinks with absolute or escaping targets refuse the export ({@code symlink {m} escapes the
 * workspace}). Sockets are skipped (as tarfile does); FIFOs and devices refuse it.
 */
public final class WorkspaceExport {

    private final GuestFs guest;
    private final TransferLimits limits;
    private final boolean guestModes;

    public WorkspaceExport(GuestFs guest, TransferLimits limits) {
        this(guest, limits, false);
    }

    private WorkspaceExport(GuestFs guest, TransferLimits limits, boolean guestModes) {
        this.guest = guest;
        this.limits = limits;
        this.guestModes = guestModes;
    }

    /**
     * An export that keeps the guest's permission bits (never setuid/setgid/sticky): for the
     * engine's own copies under its 0700 state dir, such as a snapshot taken on its way to an
     * archive, which must restore the modes the guest had. A user's export gets safe modes.
     */
    public static WorkspaceExport keepingGuestModes(GuestFs guest, TransferLimits limits) {
        return new WorkspaceExport(guest, limits, true);
    }

    /**
     * Exports {@code path} (normalised inside {@code /workspace}) to {@code outputPath}. Without
     * {@code overwrite}, an existing output path is refused ({@code output_path already exists: p})
     * before the guest is read; with it, the old one is replaced only once the new one is complete.
     */
    public ExportResult export(String path, String outputPath, boolean overwrite) {
        WorkspacePath source = WorkspacePath.of(path);
        HostOutput output = HostOutput.prepare(outputPath, overwrite);
        SymlinkCheck.refuseSymlinkedParents(guest, source, "path");
        GuestNode root = guest.stat(source.value());
        if (root == null) {
            throw PyroException.invalid("workspace path does not exist: " + source);
        }
        Path staging = output.stagingPath();
        Copy copy = new Copy(staging);
        try {
            String type = switch (root.type()) {
                case FILE -> {
                    copy.entries = 1;
                    copy.file(source.value(), staging, root);
                    yield "file";
                }
                case SYMLINK -> {
                    copy.symlink(root.name(), staging, root);
                    copy.checkLinks();
                    yield "symlink";
                }
                case DIRECTORY -> {
                    copy.directory(source.value(), staging, "");
                    copy.checkLinks();
                    copy.finishDirectories();
                    copy.applyDirectoryAttributes(staging, root);
                    yield "directory";
                }
                default -> throw PyroException.invalid("unsupported workspace path type: " + source);
            };
            output.commit(staging);
            return new ExportResult(source.value(), output.target().toString(), type, copy.entries, copy.bytes);
        } catch (IOException e) {
            HostOutput.discard(staging);
            throw PyroException.invalid("export to " + output.target() + " failed: " + e.getMessage());
        } catch (RuntimeException e) {
            HostOutput.discard(staging);
            throw e;
        }
    }

    /** One export's walk: counts, the tree's links, and directories to finish last. */
    private final class Copy {
        private final Path staging;
        private final LinkTree tree = new LinkTree();
        private final List<Runnable> directoryAttributes = new ArrayList<>();
        private long entries;
        private long bytes;

        Copy(Path staging) {
            this.staging = staging;
        }

        void directory(String guestDir, Path hostDir, String rel) throws IOException {
            // owner-only while the export runs: nobody else can plant a link in a directory being filled
            // (the final modes are set last, children first)
            Files.createDirectory(hostDir, PosixFilePermissions.asFileAttribute(permissions(0700)));
            Set<String> seen = new HashSet<>();
            List<GuestNode> children = new ArrayList<>(guest.list(guestDir));
            children.sort((a, b) -> a.name().compareTo(b.name()));
            for (GuestNode child : children) {
                checkName(guestDir, child.name(), seen);
                String childRel = rel.isEmpty() ? child.name() : rel + "/" + child.name();
                String childGuest = guestDir + "/" + child.name();
                Path childHost = hostDir.resolve(child.name());
                switch (child.type()) {
                    case DIRECTORY -> {
                        count(childRel, EntryType.DIRECTORY, null);
                        directory(childGuest, childHost, childRel);
                        directoryAttributes.add(() -> applyDirectoryAttributes(childHost, child));
                    }
                    case FILE -> {
                        count(childRel, EntryType.FILE, null);
                        file(childGuest, childHost, child);
                    }
                    case SYMLINK -> symlink(childRel, childHost, child);
                    case SOCKET -> {
                        // a running service's socket means nothing on the host
                    }
                    default -> throw PyroException.invalid("unsupported workspace path type: " + childGuest);
                }
            }
        }

        void file(String guestPath, Path hostPath, GuestNode node) throws IOException {
            try (InputStream in = guest.open(guestPath);
                 OutputStream out = Files.newOutputStream(hostPath, StandardOpenOption.CREATE_NEW,
                         StandardOpenOption.WRITE)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    bytes += n;
                    if (bytes > limits.maxBytes()) throw tooLarge();
                    out.write(buf, 0, n);
                }
            }
            Files.setPosixFilePermissions(hostPath, permissions(guestModes ? node.mode() : safeFileMode(node.mode())));
            Files.setLastModifiedTime(hostPath, time(node));
        }

        void symlink(String rel, Path hostPath, GuestNode node) throws IOException {
            count(rel, EntryType.SYMLINK, node.linkTarget());
            String target = node.linkTarget();
            if (target == null || target.isEmpty()) {
                throw PyroException.invalid("symlink " + rel + " has an empty target");
            }
            if (target.startsWith("/") || target.indexOf('\0') >= 0) {
                throw PyroException.invalid("symlink " + rel + " escapes the workspace");
            }
            Files.createSymbolicLink(hostPath, Path.of(target));
        }

        /** After the walk: every link must stay inside the exported tree (links may point at later entries). */
        void checkLinks() {
            for (var link : tree.links().entrySet()) {
                if (tree.escapes(link.getKey(), link.getValue())) {
                    throw PyroException.invalid("symlink " + link.getKey() + " escapes the workspace");
                }
            }
        }

        /** Directory modes and times last, children first: writing into a directory changes its mtime. */
        void finishDirectories() {
            directoryAttributes.forEach(Runnable::run);
        }

        void applyDirectoryAttributes(Path hostDir, GuestNode node) {
            try {
                Files.setPosixFilePermissions(hostDir,
                        permissions(guestModes ? node.mode() | 0700 : safeDirectoryMode(node.mode())));
                Files.setLastModifiedTime(hostDir, time(node));
            } catch (IOException e) {
                throw PyroException.invalid("export could not set attributes of " + staging.relativize(hostDir) + ": "
                        + e.getMessage());
            }
        }

        private void count(String rel, EntryType type, String target) {
            if (++entries > limits.maxEntries()) {
                throw PyroException.invalid("workspace path has too many entries to export: more than "
                        + limits.maxEntries());
            }
            tree.put(rel, type, target);
        }

        private PyroException tooLarge() {
            return PyroException.invalid("workspace path is too large to export: more than " + limits.describeBytes());
        }
    }

    /** A name from the guest must be one plain component: anything else could point the host elsewhere. */
    private static void checkName(String guestDir, String name, Set<String> seen) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw new PyroException(PyroException.Kind.RUNTIME,
                    "the guest listed an unsafe name in " + guestDir + ": " + name);
        }
        if (!seen.add(name)) {
            throw new PyroException(PyroException.Kind.RUNTIME,
                    "the guest listed " + guestDir + "/" + name + " twice");
        }
    }

    /**
     * The guest chose its modes; on the host they must not open the user's files to others (issue
     * 17: 0777 files appeared on the host). Group and other lose write, setuid/setgid/sticky never
     * travel, the owner can always read and write, and an executable stays executable.
     */
    static int safeFileMode(int guestMode) {
        return guestMode & 0755 | 0600;
    }

    /** As {@link #safeFileMode}, and the owner keeps rwx: the user must be able to enter and delete what the export made. */
    static int safeDirectoryMode(int guestMode) {
        return guestMode & 0755 | 0700;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE = 0400 .. 0001
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) set.add(bits[i]);
        }
        return set;
    }

    private static FileTime time(GuestNode node) {
        return FileTime.from(Instant.ofEpochSecond(0, node.mtimeNs()));
    }
}
