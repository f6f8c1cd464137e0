package dev.pyro.engine.workspace.review;

import static dev.pyro.api.PyroException.invalid;

import dev.pyro.api.PyroException;
import java.util.List;

/**
 * Applies one file's hunks to its current text, strictly: each hunk is tried at exactly the line
 * its header names, every context and removed line must equal the file's line byte for byte
 * (newline included), and hunks must come in order without overlapping. No fuzz, no offset search,
 * no whitespace leniency: a patch made against other content is refused, naming the hunk.
 */
final class HunkApplier {

    private final FilePatch file;
    private final List<String> original;
    private final StringBuilder out;
    /** The hunk that wrote a line without a newline; nothing may follow that line. */
    private String unterminatedBy;

    private HunkApplier(FilePatch file, String originalText) {
        this.file = file;
        this.original = TextLines.split(originalText);
        this.out = new StringBuilder(originalText.length() + 256);
    }

    /** The patched text of {@code file}, whose current text is {@code originalText} ("" if absent). */
    static String apply(FilePatch file, String originalText) {
        return new HunkApplier(file, originalText).run();
    }

    private String run() {
        int pos = 0; // the first original line not yet copied or consumed
        for (Hunk hunk : file.hunks()) {
            int start = hunk.startIndex();
            if (start < pos) {
                throw outOfRange(hunk, "it overlaps the previous hunk");
            }
            if (start > original.size()) {
                throw outOfRange(hunk, "the file has only " + original.size() + " lines");
            }
            copyOriginal(pos, start, hunk);
            int at = start;
            for (HunkLine line : hunk.lines()) {
                if (line.kind().onOldSide()) {
                    requireMatch(hunk, at, line);
                    at++;
                }
                if (line.kind().onNewSide()) {
                    emit(line.text(), hunk);
                }
            }
            pos = at;
        }
        copyOriginal(pos, original.size(), null);
        return out.toString();
    }

    private void copyOriginal(int from, int to, Hunk blame) {
        for (int i = from; i < to; i++) {
            emit(original.get(i), blame);
        }
    }

    private void emit(String line, Hunk hunk) {
        if (unterminatedBy != null) {
            throw invalid("patch context does not match for " + file.path() + " in hunk " + unterminatedBy
                    + ": a line without a trailing newline must be the last line of the file");
        }
        out.append(line);
        if (!line.endsWith("\n")) {
            unterminatedBy = hunk == null ? "(original last line)" : hunk.header();
        }
    }

    private void requireMatch(Hunk hunk, int index, HunkLine expected) {
        if (index >= original.size()) {
            throw mismatch(hunk, "line " + (index + 1) + " should be " + Excerpt.quoted(expected.text())
                    + " but the file has only " + original.size() + " lines");
        }
        String actual = original.get(index);
        if (!actual.equals(expected.text())) {
            throw mismatch(hunk, "line " + (index + 1) + " should be " + Excerpt.quoted(expected.text())
                    + " but is " + Excerpt.quoted(actual));
        }
    }

    private PyroException mismatch(Hunk hunk, String detail) {
        return invalid("patch context does not match for " + file.path() + " in hunk " + hunk.header() + ": " + detail);
    }

    private PyroException outOfRange(Hunk hunk, String detail) {
        return invalid("patch hunk is out of range for " + file.path() + " in hunk " + hunk.header() + ": " + detail);
    }
}
