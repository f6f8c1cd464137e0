package dev.pyro.engine.workspace.disk;

import dev.pyro.api.state.ExecutionMode;

import dev.pyro.api.Defaults;
import dev.pyro.api.state.WorkspaceState;
import dev.pyro.api.ids.WorkspaceId;
import dev.pyro.api.PyroException;
import dev.pyro.engine.cache.CacheLock;
import dev.pyro.engine.process.HostCommand;
import dev.pyro.api.workspace.files.WorkspaceFilePayloads.FileEntry;
import dev.pyro.engine.workspace.WorkspaceFiles;
import dev.pyro.engine.workspace.WorkspaceContext;
import dev.pyro.engine.workspace.WorkspaceRecord;
import dev.pyro.api.workspace.disk.DiskPayloads.DiskExport;
import dev.pyro.api.workspace.disk.DiskPayloads.DiskList;
import dev.pyro.api.workspace.disk.DiskPayloads.DiskRead;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The stopped-workspace disk tools (spec §12.4): export the root file system as a raw ext4 image,
 * list it, read a file from it. They work on a scrubbed copy ({@link DiskImage}), so runtime-only
 * paths (secrets among them) never show, and the workspace resumes unchanged on the next start.
 */
public final class WorkspaceDisk {

    /** Content travels in one JSON answer; the live file read has the same ceiling. */
    public static final int READ_MAX_BYTES = WorkspaceFiles.FILE_MAX_BYTES;

    private final WorkspaceContext context;

    public WorkspaceDisk(WorkspaceContext context) {
        this.context = context;
    }

    /** Drops a workspace's derived disk image; the lifecycle calls it before the sandbox runs again. */
    public static void invalidate(Path workspaceDir) throws IOException {
        DiskImage.invalidate(workspaceDir);
    }

    // ------------------------------------------------------------------ export

    public DiskExport export(String id, String rawOutputPath) {
        if (rawOutputPath == null || rawOutputPath.isBlank()) {
            throw PyroException.invalid("output_path must not be empty");
        }
        Path output = expand(rawOutputPath);
        refuseExisting(output);
        return withImage(id, "workspace_disk_export", image -> {
            Path staging = output.resolveSibling(".pyro-disk-export-" + UUID.randomUUID().toString().substring(0, 8));
            try {
                Files.createDirectories(output.getParent());
                // cp keeps the image sparse: a 4 GiB file system holding 250 MB costs 250 MB.
                HostCommand.of("cp", "--sparse=always", image.toString(), staging.toString()).run();
                refuseExisting(output); // again: something may have appeared meanwhile
                Files.move(staging, output);
                return new DiskExport(id, output.toString(), "ext4", Files.size(output));
            } catch (IOException e) {
                throw PyroException.runtime("exporting the disk of workspace '" + id + "' to " + output
                        + " failed: " + ErrorText.of(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw PyroException.runtime("interrupted while exporting the disk of workspace " + id, e);
            } finally {
                try {
                    Files.deleteIfExists(staging);
                } catch (IOException ignored) {
                    // a visibly named leftover; the failure is what matters
                }
            }
        });
    }

    private static void refuseExisting(Path output) {
        if (Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
            throw PyroException.invalid("output_path already exists: " + output);
        }
    }

    private static Path expand(String raw) {
        String text = raw.strip();
        String home = System.getProperty("user.home");
        if (text.equals("~")) {
            text = home;
        } else if (text.startsWith("~/")) {
            text = home + text.substring(1);
        }
        return Path.of(text).toAbsolutePath().normalize();
    }

    // ------------------------------------------------------------------ list

    public DiskList list(String id, String rawPath, boolean recursive) {
        String path = DiskPath.normalize(rawPath);
        return withImage(id, "workspace_disk_list", image -> {
            Debugfs debugfs = Debugfs.on(image);
            DiskNode node = existing(debugfs, path);
            List<FileEntry> entries = new ArrayList<>();
            if (!node.isDirectory()) {
                entries.add(entry(path, withTarget(debugfs, node)));
            } else {
                walk(debugfs, path, node, recursive, entries);
            }
            entries.sort(Comparator.comparing(FileEntry::path));
            return new DiskList(id, path, recursive, entries);
        });
    }

    /** Breadth first, one debugfs process per depth level (a process costs ~10 ms, a command far less). */
    private static void walk(Debugfs debugfs, String root, DiskNode rootNode, boolean recursive, List<FileEntry> out) {
        List<String> levelPaths = List.of(root.equals("/") ? "" : root);
        List<DiskNode> levelNodes = List.of(rootNode);
        while (!levelPaths.isEmpty()) {
            List<List<String>> answers = debugfs.batch(levelNodes.stream().map(n -> "ls -p " + Debugfs.inode(n.ino()))
                    .toList());
            List<String> nextPaths = new ArrayList<>();
            List<DiskNode> nextNodes = new ArrayList<>();
            List<String> linkPaths = new ArrayList<>();
            List<DiskNode> links = new ArrayList<>();
            for (int i = 0; i < answers.size(); i++) {
                for (String line : answers.get(i)) {
                    DiskNode.Child child = DiskNode.Child.parse(line);
                    if (child == null) {
                        continue;
                    }
                    String childPath = levelPaths.get(i) + "/" + child.name();
                    if (child.node().isSymlink()) {
                        linkPaths.add(childPath);
                        links.add(child.node());
                    } else {
                        out.add(entry(childPath, child.node()));
                    }
                    if (recursive && child.node().isDirectory()) {
                        nextPaths.add(childPath);
                        nextNodes.add(child.node());
                    }
                }
            }
            List<DiskNode> resolved = withTargets(debugfs, links);
            for (int i = 0; i < resolved.size(); i++) {
                out.add(entry(linkPaths.get(i), resolved.get(i)));
            }
            levelPaths = nextPaths;
            levelNodes = nextNodes;
        }
    }

    private static FileEntry entry(String path, DiskNode node) {
        String type = switch (node.type()) {
            case "directory" -> "directory";
            case "regular" -> "file";
            case "symlink" -> "symlink";
            default -> throw PyroException.invalid("unsupported workspace disk path type: " + path);
        };
        return new FileEntry(path, type, node.isDirectory() ? 0 : node.size(), node.linkTarget());
    }

    private static DiskNode withTarget(Debugfs debugfs, DiskNode node) {
        return node.isSymlink() ? withTargets(debugfs, List.of(node)).getFirst() : node;
    }

    /** Symlink targets: debugfs' stat shows short ones; a long one is the content of its data block. */
    private static List<DiskNode> withTargets(Debugfs debugfs, List<DiskNode> links) {
        List<List<String>> stats = debugfs.batch(links.stream().map(n -> "stat " + Debugfs.inode(n.ino())).toList());
        List<DiskNode> resolved = new ArrayList<>();
        for (int i = 0; i < links.size(); i++) {
            DiskNode stat = DiskNode.fromStat(stats.get(i));
            DiskNode link = links.get(i);
            String target = stat == null ? null : stat.linkTarget();
            if (target == null) {
                int length = (int) Math.min(Math.max(link.size(), stat == null ? 0 : stat.size()), 4096);
                target = new String(debugfs.cat(link.ino(), length), StandardCharsets.UTF_8);
            }
            resolved.add(link.withLinkTarget(target));
        }
        return resolved;
    }

    // ------------------------------------------------------------------ read

    public DiskRead read(String id, String rawPath, int maxBytes) {
        if (maxBytes <= 0) {
            throw PyroException.invalid("max_bytes must be positive");
        }
        if (maxBytes > READ_MAX_BYTES) {
            throw PyroException.invalid("max_bytes must be at most " + READ_MAX_BYTES);
        }
        if (rawPath == null) {
            throw PyroException.invalid("workspace disk path must not be empty");
        }
        String path = DiskPath.normalize(rawPath);
        return withImage(id, "workspace_disk_read", image -> {
            Debugfs debugfs = Debugfs.on(image);
            DiskNode node = existing(debugfs, path);
            if (!node.isRegular()) {
                throw PyroException.invalid("workspace disk read only supports regular files");
            }
            int wanted = (int) Math.min(node.size(), maxBytes);
            byte[] data = wanted == 0 ? new byte[0] : debugfs.cat(node.ino(), wanted);
            if (data.length < wanted) {
                throw PyroException.runtime("failed to dump workspace disk file: " + path, null);
            }
            // new String(...) replaces malformed UTF-8 with U+FFFD, as the spec's decoding does
            return new DiskRead(id, path, node.size(), maxBytes, new String(data, StandardCharsets.UTF_8),
                    node.size() > maxBytes);
        });
    }

    // ------------------------------------------------------------------ shared

    private static DiskNode existing(Debugfs debugfs, String path) {
        // No inode in the answer: debugfs says "File not found by ext2_lookup" (or ext2fs_lookup).
        DiskNode node = DiskNode.fromStat(debugfs.one("stat " + Debugfs.quote(path)));
        if (node == null) {
            throw PyroException.invalid("workspace disk path does not exist: " + path);
        }
        return node;
    }

    /**
     * The preconditions every disk tool shares (spec §12.4), then {@code action} on the scrubbed
     * image while the workspace's lock is held, so a start cannot change the disk underneath.
     */
    private <T> T withImage(String id, String operation, Function<Path, T> action) {
        context.requireStopped(id, operation);
        try (CacheLock lock = context.store().lock(WorkspaceId.of(id))) {
            WorkspaceRecord record = context.store().read(WorkspaceId.of(id))
                    .orElseThrow(() -> PyroException.invalid("workspace '" + id + "' does not exist"));
            if (!WorkspaceState.STOPPED.is(record.state())) {
                throw WorkspaceContext.notStopped(id, operation);
            }
            if (ExecutionMode.HOST_COMPAT.is(record.executionMode())) {
                throw PyroException.invalid(operation + " is unavailable for host_compat workspaces");
            }
            Debugfs.program();
            return action.apply(DiskImage.ensure(record, context.store().dir(WorkspaceId.of(id))));
        } catch (IOException e) {
            throw PyroException.runtime("cannot lock workspace " + id + ": " + ErrorText.of(e), e);
        }
    }
}
