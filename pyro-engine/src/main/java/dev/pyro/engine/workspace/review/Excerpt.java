package dev.pyro.engine.workspace.review;

/** Short, quoted renderings of patch and file lines for error messages (one line, bounded). */
final class Excerpt {

    private static final int MAX_CHARS = 120;

    private Excerpt() {
    }

    /** A patch line as the user wrote it, without its newline, cut if very long. */
    static String raw(String line) {
        String text = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "...";
    }

    /** A file line, quoted with escapes, noting a missing newline (else two such lines look equal). */
    static String quoted(String line) {
        boolean terminated = line.endsWith("\n");
        String body = terminated ? line.substring(0, line.length() - 1) : line;
        StringBuilder out = new StringBuilder("\"");
        int shown = Math.min(body.length(), MAX_CHARS);
        for (int i = 0; i < shown; i++) {
            char c = body.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append(body.length() > MAX_CHARS ? "...\"" : "\"");
        return terminated ? out.toString() : out + " (no newline at end of file)";
    }
}
