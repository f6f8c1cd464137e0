package dev.pyro.engine.workspace.review;

import dev.pyro.api.workspace.review.ChangeStatus;
import dev.pyro.api.workspace.review.PatchEntry;
import static dev.pyro.api.PyroException.invalid;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * {@code workspace patch apply} without the I/O: parses the patch, preflights every file against
 * its current content (§12.6, in sorted path order) and returns the plan only if all of it
 * applies. Any error is a {@link dev.pyro.api.PyroException} of kind INVALID_INPUT and leaves
 * nothing to write.
 */
public final class PatchPlanner {

    private PatchPlanner() {
    }

    /**
     * @param patch      the unified diff text
     * @param normalizer the engine's {@code /workspace} path rule (§8.1): relative or
     *                   {@code /workspace/...} in, normalised absolute path out, throws on escape
     * @param lookup     the current state of a normalised path
     */
    public static PatchPlan plan(String patch, UnaryOperator<String> normalizer, Function<String, CurrentFile> lookup) {
        List<FilePatch> files = new ArrayList<>(PatchParser.parse(patch, normalizer));
        files.sort(Comparator.comparing(FilePatch::path, PathOrder.COMPARATOR));
        List<FileWrite> writes = new ArrayList<>();
        List<String> deletes = new ArrayList<>();
        List<PatchEntry> entries = new ArrayList<>();
        for (FilePatch file : files) {
            String original = currentText(file, lookup.apply(file.path()));
            String result = HunkApplier.apply(file, original == null ? "" : original);
            if (file.status() == ChangeStatus.DELETED) {
                if (!result.isEmpty()) {
                    throw invalid("delete patch did not remove all content for " + file.path());
                }
                deletes.add(file.path());
            } else {
                if (TextLines.utf8Length(result) > ReviewLimits.WORKSPACE_FILE_MAX_BYTES) {
                    throw invalid("patched file " + file.path() + " exceeds the maximum supported size of "
                            + ReviewLimits.WORKSPACE_FILE_MAX_BYTES + " bytes");
                }
                writes.add(new FileWrite(file.path(), result));
            }
            entries.add(new PatchEntry(file.path(), file.status()));
        }
        return new PatchPlan(patch, writes, deletes, entries);
    }

    /** The file's text, or null when it is missing; checks in the spec's preflight order. */
    private static String currentText(FilePatch file, CurrentFile current) {
        String path = file.path();
        String text = switch (current) {
            case CurrentFile.Missing missing -> null;
            case CurrentFile.OtherType other -> throw invalid("workspace patch only supports regular files: " + path);
            case CurrentFile.RegularFile regular -> {
                if (regular.content().length > ReviewLimits.WORKSPACE_FILE_MAX_BYTES) {
                    throw invalid("workspace file exceeds the maximum supported size of "
                            + ReviewLimits.WORKSPACE_FILE_MAX_BYTES + " bytes: " + path);
                }
                String decoded = TextLines.decodeUtf8(regular.content());
                if (decoded == null) {
                    throw invalid("workspace patch only supports UTF-8 text files: " + path);
                }
                yield decoded;
            }
        };
        if (file.status() == ChangeStatus.ADDED && text != null) {
            throw invalid("workspace patch cannot add an existing path: " + path);
        }
        if (file.status() != ChangeStatus.ADDED && text == null) {
            throw invalid("workspace patch cannot modify a missing path: " + path);
        }
        return text;
    }
}
