package dev.pyro.engine.workspace.review;

import dev.pyro.api.workspace.review.ChangeStatus;
import static dev.pyro.api.PyroException.invalid;

import dev.pyro.api.PyroException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the strict unified-diff subset of spec §12.6 into {@link FilePatch}es. It reads the text
 * only; whether the hunks fit the workspace is {@link HunkApplier}'s job.
 *
 * <p>Hunk bodies are read by their header's counts, as git does, so removing a line that starts
 * with {@code "-- "} (an SQL comment: {@code "--- x"} in the patch) is not mistaken for the next
 * file's header. A header whose counts disagree with its body is refused, never trimmed to fit.
 * Beyond the spec: git's {@code new file mode 100644} / {@code deleted file mode 100644|100755}
 * lines are accepted, since they only restate what the {@code /dev/null} label says for a plain
 * file (so {@code git diff} output adds and deletes files); any other mode stays unsupported.
 */
final class PatchParser {

    private static final Pattern HUNK_HEADER =
            Pattern.compile("@@ -(\\d{1,9})(?:,(\\d{1,9}))? \\+(\\d{1,9})(?:,(\\d{1,9}))? @@.*");

    private static final List<String> UNSUPPORTED_FEATURES = List.of(
            "old mode", "new mode", "deleted file mode", "new file mode", "rename from", "rename to",
            "copy from", "copy to", "similarity index", "dissimilarity index", "GIT binary patch",
            "Binary files");

    private static final Set<String> PLAIN_FILE_MODE_HEADERS =
            Set.of("new file mode 100644", "deleted file mode 100644", "deleted file mode 100755");

    private final List<String> lines;
    private final UnaryOperator<String> normalizer;
    private int next;

    private PatchParser(List<String> lines, UnaryOperator<String> normalizer) {
        this.lines = lines;
        this.normalizer = normalizer;
    }

    /**
     * Checks the patch text's limits and parses it. Paths go through {@code normalizer} (the
     * engine's {@code /workspace} rule), whose errors propagate unchanged.
     */
    static List<FilePatch> parse(String patch, UnaryOperator<String> normalizer) {
        if (patch == null || patch.isBlank()) {
            throw invalid("patch must not be empty");
        }
        if (TextLines.utf8Length(patch) > ReviewLimits.WORKSPACE_PATCH_MAX_BYTES) {
            throw invalid("patch must be at most " + ReviewLimits.WORKSPACE_PATCH_MAX_BYTES
                    + " bytes when encoded as UTF-8");
        }
        return new PatchParser(patchLines(patch), normalizer).files();
    }

    /** The patch's lines without their {@code \n}; a missing final newline is read as present. */
    private static List<String> patchLines(String patch) {
        List<String> lines = new ArrayList<>();
        for (String line : TextLines.split(patch)) {
            lines.add(line.endsWith("\n") ? line.substring(0, line.length() - 1) : line);
        }
        return lines;
    }

    private List<FilePatch> files() {
        List<FilePatch> files = new ArrayList<>();
        Set<String> paths = new HashSet<>();
        while (next < lines.size()) {
            String line = lines.get(next);
            if (isSkippable(line)) {
                next++;
                continue;
            }
            rejectUnsupported(line);
            if (!line.startsWith("--- ")) {
                throw invalid("invalid patch header: " + Excerpt.raw(line));
            }
            FilePatch file = file();
            if (!paths.add(file.path())) {
                throw invalid("patch contains duplicate file entries for " + file.path());
            }
            files.add(file);
        }
        if (files.isEmpty()) {
            throw invalid("patch must contain at least one file change");
        }
        return files;
    }

    private static boolean isSkippable(String line) {
        return line.isBlank() || line.startsWith("diff ") || line.startsWith("index ")
                || PLAIN_FILE_MODE_HEADERS.contains(Excerpt.raw(line));
    }

    private static void rejectUnsupported(String line) {
        for (String feature : UNSUPPORTED_FEATURES) {
            if (line.startsWith(feature)) {
                throw invalid("unsupported patch feature: " + Excerpt.raw(line));
            }
        }
    }

    private FilePatch file() {
        String oldHeader = lines.get(next++);
        if (next >= lines.size() || !lines.get(next).startsWith("+++ ")) {
            throw invalid("patch is missing '+++' header");
        }
        String newHeader = lines.get(next++);
        String oldLabel = GitPathLabel.parse(oldHeader);
        String newLabel = GitPathLabel.parse(newHeader);
        if (oldLabel == null && newLabel == null) {
            throw invalid("patch must target a workspace path");
        }
        String oldPath = oldLabel == null ? null : normalizer.apply(oldLabel);
        String newPath = newLabel == null ? null : normalizer.apply(newLabel);
        if (oldPath != null && newPath != null && !oldPath.equals(newPath)) {
            throw invalid("rename and copy patches are not supported");
        }
        ChangeStatus status = oldPath == null ? ChangeStatus.ADDED
                : newPath == null ? ChangeStatus.DELETED : ChangeStatus.MODIFIED;
        String path = newPath != null ? newPath : oldPath;
        List<Hunk> hunks = new ArrayList<>();
        while (next < lines.size() && lines.get(next).startsWith("@@")) {
            hunks.add(hunk(path));
        }
        if (hunks.isEmpty()) {
            if (next < lines.size() && !startsSection(lines.get(next))) {
                throw invalid("invalid patch hunk header: " + Excerpt.raw(lines.get(next)));
            }
            throw invalid("patch for " + path + " has no hunks");
        }
        return new FilePatch(path, status, hunks);
    }

    private static boolean startsSection(String line) {
        if (isSkippable(line) || line.startsWith("--- ")) {
            return true;
        }
        return UNSUPPORTED_FEATURES.stream().anyMatch(line::startsWith);
    }

    private Hunk hunk(String path) {
        String headerLine = Excerpt.raw(lines.get(next));
        Matcher m = HUNK_HEADER.matcher(headerLine);
        if (!m.matches()) {
            throw invalid("invalid patch hunk header: " + headerLine);
        }
        int oldStart = Integer.parseInt(m.group(1));
        int oldCount = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        int newStart = Integer.parseInt(m.group(3));
        int newCount = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
        String header = headerLine.substring(0, headerLine.indexOf(" @@", 2) + 3);
        next++;
        int bodyStart = next;
        Body body = new Body();
        int oldLeft = oldCount;
        int newLeft = newCount;
        while (oldLeft > 0 || newLeft > 0) {
            if (next >= lines.size()) {
                throw countMismatch(path, header, oldCount, newCount, bodyStart);
            }
            String line = lines.get(next);
            if (line.startsWith("\\")) {
                body.markNoNewline(line);
                next++;
                continue;
            }
            HunkLine.Kind kind = kindOf(next);
            if (kind == null) {
                if (line.isBlank() || line.startsWith("@@") || line.startsWith("diff ") || line.startsWith("--- ")) {
                    throw countMismatch(path, header, oldCount, newCount, bodyStart);
                }
                throw invalid("invalid patch hunk line: " + Excerpt.raw(line));
            }
            if ((kind.onOldSide() && oldLeft == 0) || (kind.onNewSide() && newLeft == 0)) {
                throw countMismatch(path, header, oldCount, newCount, bodyStart);
            }
            body.add(kind, line);
            oldLeft -= kind.onOldSide() ? 1 : 0;
            newLeft -= kind.onNewSide() ? 1 : 0;
            next++;
        }
        if (next < lines.size() && lines.get(next).startsWith("\\")) {
            body.markNoNewline(lines.get(next));
            next++;
        }
        if (next < lines.size() && !lines.get(next).isBlank() && kindOf(next) != null) {
            throw countMismatch(path, header, oldCount, newCount, bodyStart); // the header undercounts
        }
        return new Hunk(oldStart, oldCount, newStart, newCount, header, body.lines);
    }

    /** The body-line kind of line {@code index}, or null when it cannot be a body line. */
    private HunkLine.Kind kindOf(int index) {
        String line = lines.get(index);
        if (line.isEmpty()) {
            return null;
        }
        return switch (line.charAt(0)) {
            case ' ' -> HunkLine.Kind.CONTEXT;
            case '+' -> HunkLine.Kind.ADD;
            case '-' -> startsFilePatch(index) ? null : HunkLine.Kind.REMOVE;
            default -> null;
        };
    }

    /** {@code ---}, {@code +++}, {@code @@} in a row: a new file's patch, never a removed line. */
    private boolean startsFilePatch(int index) {
        return lines.get(index).startsWith("--- ") && index + 2 < lines.size()
                && lines.get(index + 1).startsWith("+++ ") && lines.get(index + 2).startsWith("@@");
    }

    /** Counts the body as written, so the message says how the header lies. */
    private PyroException countMismatch(String path, String header, int oldCount, int newCount, int bodyStart) {
        int oldSeen = 0;
        int newSeen = 0;
        int index = bodyStart;
        while (index < lines.size()) {
            if (lines.get(index).startsWith("\\")) {
                index++;
                continue;
            }
            HunkLine.Kind kind = kindOf(index);
            if (kind == null) {
                break;
            }
            oldSeen += kind.onOldSide() ? 1 : 0;
            newSeen += kind.onNewSide() ? 1 : 0;
            index++;
        }
        String hint = "";
        if (index + 1 < lines.size() && lines.get(index).isEmpty() && kindOf(index + 1) != null) {
            hint = " (an empty context line must still start with a space)";
        }
        return invalid("patch hunk line counts do not match the header for " + path + ": " + header
                + " declares " + oldCount + " old and " + newCount + " new lines, but its body has "
                + oldSeen + " old and " + newSeen + " new lines" + hint);
    }

    /** A hunk body being read, with the sides a {@code \ No newline} marker has closed. */
    private static final class Body {
        final List<HunkLine> lines = new ArrayList<>();
        boolean oldClosed;
        boolean newClosed;

        void add(HunkLine.Kind kind, String line) {
            if ((kind.onOldSide() && oldClosed) || (kind.onNewSide() && newClosed)) {
                throw invalid("invalid patch hunk line: " + Excerpt.raw(line)
                        + " (it follows a line marked '\\ No newline at end of file')");
            }
            lines.add(new HunkLine(kind, line.substring(1) + "\n"));
        }

        void markNoNewline(String marker) {
            if (lines.isEmpty() || !lines.getLast().hasNewline()) {
                throw invalid("invalid patch hunk line: " + Excerpt.raw(marker));
            }
            HunkLine last = lines.removeLast().withoutNewline();
            lines.add(last);
            oldClosed |= last.kind().onOldSide();
            newClosed |= last.kind().onNewSide();
        }
    }
}
