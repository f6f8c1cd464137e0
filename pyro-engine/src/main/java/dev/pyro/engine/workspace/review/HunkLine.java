package dev.pyro.engine.workspace.review;

/**
 * One body line of a hunk. {@code text} is the line's content with its {@code \n}, or without it
 * when the patch marked it {@code \ No newline at end of file}.
 */
record HunkLine(Kind kind, String text) {

    enum Kind {
        CONTEXT, REMOVE, ADD;

        boolean onOldSide() {
            return this != ADD;
        }

        boolean onNewSide() {
            return this != REMOVE;
        }
    }

    HunkLine withoutNewline() {
        return new HunkLine(kind, text.substring(0, text.length() - 1));
    }

    boolean hasNewline() {
        return text.endsWith("\n");
    }
}
