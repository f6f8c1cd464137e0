package dev.pyro.engine.workspace.files;

import dev.pyro.api.workspace.files.ImportResult;
import dev.pyro.protocol.TreeWriter;
import java.time.Duration;

/**
 * Writes a validated {@link ImportPlan} into the guest under a destination. The order matters and
 * is the point of this class: the plan is already valid as a whole (the source's inspect), then
 * the guest's existing tree is checked ({@link GuestPreflight}), and only then is the first entry
 * sent. Entries go out in plan order, so parents come before children.
 */
public final class TreeImport {

    private final GuestFs guest;

    public TreeImport(GuestFs guest) {
        this.guest = guest;
    }

    /**
     * Imports through the agent's {@code write_tree} (opened by the caller with
     * {@code openTree(true)}; sync and seed both overlay). The caller closes the writer, which
     * abandons it if this throws before finishing.
     */
    public ImportResult writeTo(TreeWriter writer, ImportSource source, ImportPlan plan, WorkspacePath destination,
                                Duration finishTimeout) {
        return writeTo(new TreeWriterSink(writer, finishTimeout), source, plan, destination);
    }

    public ImportResult writeTo(TreeSink sink, ImportSource source, ImportPlan plan, WorkspacePath destination) {
        GuestPreflight.check(guest, destination, plan);
        source.replay(plan, (entry, content) -> {
            if (sink.failed()) return; // the agent already refused one: finish() reports it
            String path = destination.resolve(entry.path()).value();
            switch (entry.type()) {
                case DIRECTORY -> sink.dir(path, entry.mode(), entry.mtimeNs());
                case FILE -> sink.file(path, entry.mode(), entry.mtimeNs(), entry.size(), content);
                case SYMLINK -> sink.symlink(path, entry.linkTarget(), entry.mtimeNs());
            }
        });
        sink.finish();
        return new ImportResult(plan.mode(), plan.sourcePath().toString(), destination.value(), plan.entryCount(),
                plan.bytesWritten());
    }
}
