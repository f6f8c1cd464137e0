package dev.pyro.engine.workspace;

import dev.pyro.api.Defaults;
import dev.pyro.api.workspace.WorkspaceSummary;
import dev.pyro.api.ids.WorkspaceId;
import dev.pyro.api.PyroException;
import dev.pyro.api.workspace.files.WorkspaceFilePayloads.Export;
import dev.pyro.api.workspace.files.WorkspaceFilePayloads.FileEntry;
import dev.pyro.api.workspace.files.WorkspaceFilePayloads.FileList;
import dev.pyro.api.workspace.files.WorkspaceFilePayloads.FileRead;
import dev.pyro.api.workspace.files.WorkspaceFilePayloads.FileWrite;
import dev.pyro.api.workspace.files.WorkspaceFilePayloads.Sync;
import dev.pyro.engine.workspace.files.AgentGuestFs;
import dev.pyro.engine.workspace.files.ExportResult;
import dev.pyro.engine.workspace.files.GuestFs;
import dev.pyro.engine.workspace.files.GuestNode;
import dev.pyro.engine.workspace.files.ImportPlan;
import dev.pyro.api.workspace.files.ImportResult;
import dev.pyro.engine.workspace.files.ImportSource;
import dev.pyro.engine.workspace.files.ImportSources;
import dev.pyro.engine.workspace.files.SymlinkCheck;
import dev.pyro.engine.workspace.files.TransferLimits;
import dev.pyro.engine.workspace.files.WorkspaceExport;
import dev.pyro.engine.workspace.files.WorkspacePath;
import dev.pyro.engine.workspace.review.BaselineDiff;
import dev.pyro.engine.workspace.review.CurrentFile;
import dev.pyro.api.workspace.review.DiffPayload;
import dev.pyro.api.workspace.review.PatchApplyPayload;
import dev.pyro.engine.workspace.review.PatchPlan;
import dev.pyro.engine.workspace.review.PatchPlanner;
import dev.pyro.engine.workspace.review.PatchTarget;
import dev.pyro.engine.workspace.review.ReviewLimits;
import dev.pyro.engine.workspace.review.TreeEntry;
import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.FileType;
import dev.pyro.protocol.WriteOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live {@code /workspace} operations: sync push, file list/read/write, patch apply, diff against
 * the baseline, and export. Every path is normalized inside {@code /workspace} and checked against
 * the guest's symlinks before anything is written; mutations are recorded as review events.
 */
public final class WorkspaceFiles {

    public static final int FILE_MAX_BYTES = 1048576;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final WorkspaceContext context;

    public WorkspaceFiles(WorkspaceContext context) {
        this.context = context;
    }

    // ------------------------------------------------------------------ sync

    public Sync syncPush(String id, String sourcePath, String dest) {
        WorkspaceRecord record = context.requireStarted(id, "workspace_sync_push");
        WorkspacePath destination = WorkspacePath.normalize(dest == null ? WorkspacePath.ROOT_PATH : dest, "dest");
        ImportSource source = ImportSources.open("source_path", sourcePath, TransferLimits.DEFAULT);
        ImportPlan plan = source.inspect();
        ImportResult result = Baseline.importSource(agent(record), source, plan, destination);
        touched(id, "sync", ReviewEvents.detail("mode", result.mode(), "source_path", result.sourcePath(),
                "destination", result.destination(), "entry_count", result.entryCount()));
        return new Sync(id, record.executionMode(), result);
    }

    // ------------------------------------------------------------------ files

    public FileList list(String id, String rawPath, boolean recursive) {
        WorkspaceRecord record = context.requireStarted(id, "workspace_file_list");
        WorkspacePath path = WorkspacePath.normalize(rawPath == null ? WorkspacePath.ROOT_PATH : rawPath, "path");
        GuestFs fs = fs(record);
        SymlinkCheck.refuseSymlinkedParents(fs, path, "path"); // a linked parent would list outside /workspace
        GuestNode node = existing(fs, path);
        List<FileEntry> entries = new ArrayList<>();
        if (node.isDirectory()) {
            walk(fs, path.value(), recursive, entries);
        } else {
            entries.add(entry(path.value(), node));
        }
        return new FileList(id, path.value(), recursive, entries, record.executionMode());
    }

    private static void walk(GuestFs fs, String dir, boolean recursive, List<FileEntry> out) {
        List<GuestNode> children = new ArrayList<>(fs.list(dir));
        children.sort(Comparator.comparing(GuestNode::name));
        for (GuestNode child : children) {
            String childPath = dir + "/" + child.name();
            out.add(entry(childPath, child));
            if (recursive && child.isDirectory()) {
                walk(fs, childPath, true, out);
            }
        }
    }

    private static FileEntry entry(String path, GuestNode node) {
        return new FileEntry(path, artifactType(node), node.isDirectory() ? 0 : node.size(), node.linkTarget());
    }

    public FileRead read(String id, String rawPath, int maxBytes) {
        if (maxBytes <= 0 || maxBytes > FILE_MAX_BYTES) {
            throw PyroException.invalid("max_bytes must be between 1 and " + FILE_MAX_BYTES);
        }
        WorkspaceRecord record = context.requireStarted(id, "workspace_file_read");
        WorkspacePath path = WorkspacePath.normalize(rawPath, "path");
        GuestFs fs = fs(record);
        SymlinkCheck.refuseSymlinkedParents(fs, path, "path");
        GuestNode node = existing(fs, path);
        if (!node.isFile()) {
            throw PyroException.invalid("workspace file read only supports regular files");
        }
        byte[] data = agent(record).files().read(path.value(), 0, maxBytes).data();
        // a read does not count as activity (spec 3.6.0)
        return new FileRead(id, path.value(), node.size(), maxBytes, new String(data, StandardCharsets.UTF_8),
                node.size() > maxBytes, record.executionMode());
    }

    /**
     * The text of a file write as bytes, or the spec's size error. Clients check it before sending,
     * so a big write gets this error rather than meeting the engine's request limit.
     */
    public static byte[] checkWriteText(String text) {
        byte[] bytes = (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
        if (bytes.length > FILE_MAX_BYTES) {
            throw PyroException.invalid("text must be at most " + FILE_MAX_BYTES + " bytes when encoded as UTF-8");
        }
        return bytes;
    }

    public FileWrite write(String id, String rawPath, String text) {
        byte[] bytes = checkWriteText(text);
        WorkspaceRecord record = context.requireStarted(id, "workspace_file_write");
        WorkspacePath path = WorkspacePath.normalize(rawPath, "path");
        AgentConnection agent = agent(record);
        writeChecked(fs(record), agent, path, bytes);
        touched(id, "file_write", ReviewEvents.detail("path", path.value(), "bytes_written", bytes.length));
        return new FileWrite(id, path.value(), bytes.length, bytes.length, record.executionMode());
    }

    /** Spec §8.1: no symlinked parent, a regular file or nothing at the target, atomic replace. */
    private static void writeChecked(GuestFs fs, AgentConnection agent, WorkspacePath path, byte[] bytes) {
        if (path.isRoot()) {
            throw PyroException.invalid("workspace file write only supports regular file targets");
        }
        SymlinkCheck.refuseSymlinkedParents(fs, path, "path");
        GuestNode existing = fs.stat(path.value());
        if (existing != null && !existing.isFile()) {
            throw PyroException.invalid("workspace file write only supports regular file targets");
        }
        agent.files().write(path.value(), bytes, WriteOptions.defaults().withParents(true).withAtomic(true).withNofollow(true),
                TIMEOUT);
    }

    // ------------------------------------------------------------------ patch

    public PatchApplyPayload applyPatch(String id, String patch) {
        WorkspaceRecord record = context.requireStarted(id, "workspace_patch_apply");
        GuestFs fs = fs(record);
        AgentConnection agent = agent(record);
        // Linked parents are refused while parsing, before any file is read: a preflight read through
        // one would reach outside /workspace (and its mismatch error would quote what it found there).
        PatchPlan plan = PatchPlanner.plan(patch, raw -> {
            WorkspacePath target = WorkspacePath.normalize(raw, "path");
            SymlinkCheck.refuseSymlinkedParents(fs, target, "path");
            return target.value();
        }, path -> current(fs, path));
        // Every target is checked before the first change, so a refused path changes no file.
        plan.writes().forEach(w -> SymlinkCheck.refuseSymlinkedParents(fs, WorkspacePath.of(w.path()), "path"));
        plan.deletes().forEach(d -> SymlinkCheck.refuseSymlinkedParents(fs, WorkspacePath.of(d), "path"));
        plan.commit(new PatchTarget() {
            @Override
            public void write(String path, String text) {
                agent.files().write(path, text.getBytes(StandardCharsets.UTF_8),
                        WriteOptions.defaults().withParents(true).withAtomic(true).withNofollow(true), TIMEOUT);
            }

            @Override
            public void delete(String path) {
                agent.files().delete(path, false, false, TIMEOUT);
            }
        });
        PatchApplyPayload payload = plan.payload(id, record.executionMode());
        if (plan.changed()) {
            touched(id, "patch", ReviewEvents.detail("summary", plan.summary(), "paths",
                    plan.entries().stream().map(e -> e.path()).toList()));
        }
        return payload;
    }

    private static CurrentFile current(GuestFs fs, String path) {
        GuestNode node = fs.stat(path);
        if (node == null) {
            return CurrentFile.missing();
        }
        if (!node.isFile()) {
            return CurrentFile.other(artifactType(node));
        }
        // one byte more than a patch may read is enough to refuse it: never the whole of a huge file
        try (InputStream in = fs.open(path)) {
            return CurrentFile.regular(in.readNBytes(ReviewLimits.WORKSPACE_FILE_MAX_BYTES + 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ diff and export

    public DiffPayload diff(String id) {
        WorkspaceRecord record = context.requireStarted(id, "workspace_diff");
        java.nio.file.Path archive = Baseline.archive(context.store().dir(WorkspaceId.of(id)));
        if (!java.nio.file.Files.isRegularFile(archive)) {
            throw PyroException.invalid("workspace diff requires a baseline snapshot. Recreate the workspace to use diff.");
        }
        try (BaselineTree tree = BaselineTree.open(archive)) {
            Map<String, BaselineTree.Node> baseline = tree.nodes();
            Map<String, TreeEntry> before = new TreeMap<>();
            baseline.forEach((path, node) -> before.put(path, node.entry()));
            GuestFs fs = fs(record);
            Map<String, TreeEntry> now = new TreeMap<>();
            collect(fs, WorkspacePath.ROOT_PATH, "", baseline, now);
            return BaselineDiff.compute(id, before, now);
        }
    }

    private static void collect(GuestFs fs, String dir, String prefix, Map<String, BaselineTree.Node> baseline,
                                Map<String, TreeEntry> out) {
        for (GuestNode child : fs.list(dir)) {
            String rel = prefix.isEmpty() ? child.name() : prefix + "/" + child.name();
            String abs = dir + "/" + child.name();
            if (child.isDirectory()) {
                out.put(rel, TreeEntry.directory(child.mode() & 07777));
                collect(fs, abs, rel, baseline, out);
            } else if (child.isSymlink()) {
                out.put(rel, TreeEntry.symlink(child.linkTarget()));
            } else if (child.isFile()) {
                BaselineTree.Node was = baseline.get(rel);
                // Same size and mtime as imported: unchanged without reading it back (like git's stat cache).
                String hash = was != null && was.entry().size() == child.size() && was.mtimeNs() == child.mtimeNs()
                        ? was.entry().contentHash() : null;
                out.put(rel, TreeEntry.file(child.mode() & 07777, child.size(), hash, () -> fs.open(abs)));
            }
        }
    }

    public Export export(String id, String rawPath, String outputPath, boolean overwrite) {
        WorkspaceRecord record = context.requireStarted(id, "workspace_export");
        ExportResult result = new WorkspaceExport(fs(record), TransferLimits.DEFAULT).export(rawPath, outputPath,
                overwrite);
        touched(id, "export", ReviewEvents.detail("workspace_path", result.workspacePath(), "output_path", result.outputPath(),
                "artifact_type", result.artifactType(), "entry_count", result.entryCount()));
        return new Export(id, result.workspacePath(), result.outputPath(), result.artifactType(), result.entryCount(),
                result.bytesWritten(), record.executionMode());
    }

    /** A review of the session since the last reset (commands, edits, syncs, exports, current diff). */
    public WorkspaceSummary summary(String id) {
        return WorkspaceSummaries.of(context, this, id);
    }

    // ------------------------------------------------------------------ helpers

    private void touched(String id, String kind, Map<String, ?> detail) {
        double now = context.clock().getAsDouble();
        new ReviewEvents(context.store().dir(WorkspaceId.of(id))).record(kind, new LinkedHashMap<>(detail), now);
        context.mutate(id, b -> b.lastActivityAt = now);
    }

    private AgentConnection agent(WorkspaceRecord record) {
        return context.agent(record);
    }

    private GuestFs fs(WorkspaceRecord record) {
        return new AgentGuestFs(agent(record), TIMEOUT);
    }

    private static GuestNode existing(GuestFs fs, WorkspacePath path) {
        GuestNode node = fs.stat(path.value());
        if (node == null) {
            throw PyroException.invalid("workspace path does not exist: " + path.value());
        }
        if (!node.isFile() && !node.isDirectory() && !node.isSymlink()) {
            throw PyroException.invalid("unsupported workspace path type: " + path.value());
        }
        return node;
    }

    private static String artifactType(GuestNode node) {
        return node.type() == FileType.DIRECTORY ? "directory" : node.type() == FileType.SYMLINK ? "symlink"
                : node.type() == FileType.FILE ? "file" : node.type().name().toLowerCase(java.util.Locale.ROOT);
    }
}
