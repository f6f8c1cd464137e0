package dev.pyro.engine.workspace.files;

import dev.pyro.api.PyroException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Collects an import's entries, refusing as soon as one breaks a rule, so a bad archive fails on
 * the first bad header without reading the rest. The archive is checked against itself here (the
 * guest's existing files are {@link GuestPreflight}'s job): later members may not change the type
 * of an earlier path or go through an earlier symlink or file.
 */
final class PlanBuilder {

    private final String field;
    private final TransferLimits limits;
    private final List<ImportEntry> entries = new ArrayList<>();
    private final LinkTree tree = new LinkTree();
    private long bytes;

    PlanBuilder(String field, TransferLimits limits) {
        this.field = field;
        this.limits = limits;
    }

    /** Adds one entry; {@code name} is the member name as the source spelled it, for errors. */
    void add(ImportEntry entry, String name) {
        if (entries.size() >= limits.maxEntries()) {
            throw PyroException.invalid(field + " has too many entries: more than " + limits.maxEntries());
        }
        if (entry.type() == EntryType.FILE) {
            bytes += entry.size();
            if (entry.size() > limits.maxBytes() || bytes > limits.maxBytes()) {
                throw tooLarge(field, limits);
            }
        }
        if (entry.type() == EntryType.SYMLINK) {
            checkTargetShape(entry.linkTarget(), name);
        }
        checkParents(entry.path(), name);
        checkSelf(entry, name);
        tree.put(entry.path(), entry.type(), entry.linkTarget());
        entries.add(entry);
    }

    /** The plan, once every symlink is known to stay inside the tree as a whole. */
    ImportPlan build(String mode, Path source) {
        for (Map.Entry<String, String> link : tree.links().entrySet()) {
            if (tree.escapes(link.getKey(), link.getValue())) {
                throw PyroException.invalid("symlink " + link.getKey() + " escapes the workspace");
            }
        }
        return new ImportPlan(mode, source, entries, bytes);
    }

    static PyroException tooLarge(String field, TransferLimits limits) {
        return PyroException.invalid(field + " is too large: more than " + limits.describeBytes() + " once unpacked");
    }

    private static void checkTargetShape(String target, String name) {
        if (target == null || target.isEmpty()) {
            throw PyroException.invalid("symlink " + name + " has an empty target");
        }
        if (target.startsWith("/") || target.indexOf('\0') >= 0) {
            throw PyroException.invalid("symlink " + name + " escapes the workspace");
        }
    }

    /** Every parent must be (or become) a directory: never an earlier symlink or file. */
    private void checkParents(String path, String name) {
        int slash = -1;
        while ((slash = path.indexOf('/', slash + 1)) >= 0) {
            String parent = path.substring(0, slash);
            EntryType type = tree.typeOf(parent);
            if (type == EntryType.SYMLINK) {
                throw PyroException.invalid("archive member would traverse through a symlinked path: " + name);
            }
            if (type == EntryType.FILE) {
                throw PyroException.invalid("archive member would traverse through a file: " + name);
            }
            if (type == null) tree.put(parent, EntryType.DIRECTORY, null);
        }
    }

    /** Spec §8.2's overwrite rules, applied to the archive's own earlier members. */
    private void checkSelf(ImportEntry entry, String name) {
        EntryType existing = tree.typeOf(entry.path());
        if (existing == null || existing == entry.type()) return;
        String what = switch (entry.type()) {
            case DIRECTORY -> "directory";
            case FILE -> "file";
            case SYMLINK -> "symlink";
        };
        throw PyroException.invalid(what + " conflicts with existing path: " + name);
    }
}
