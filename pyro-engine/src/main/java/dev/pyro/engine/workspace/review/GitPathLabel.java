package dev.pyro.engine.workspace.review;

import dev.pyro.api.PyroException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The path label of a {@code ---}/{@code +++} header. Plain labels follow the spec (text before a
 * tab, trimmed, {@code /dev/null} means absent, one leading {@code a/} or {@code b/} dropped).
 * C-quoted labels, which git writes for names with quotes, backslashes, control characters or (by
 * default) non-ASCII bytes, are unquoted first so such files can be patched at all.
 */
final class GitPathLabel {

    static final String DEV_NULL = "/dev/null";

    private GitPathLabel() {
    }

    /**
     * The path a header line names, without its {@code a/}/{@code b/} prefix and not yet
     * normalised; null for {@code /dev/null}.
     */
    static String parse(String headerLine) {
        String rest = headerLine.substring(4); // after "--- " or "+++ "
        String label;
        if (rest.startsWith("\"")) {
            label = unquote(rest, headerLine);
        } else {
            int tab = rest.indexOf('\t');
            label = (tab < 0 ? rest : rest.substring(0, tab)).strip();
        }
        if (label.equals(DEV_NULL)) {
            return null;
        }
        if (label.startsWith("a/") || label.startsWith("b/")) {
            return label.substring(2);
        }
        return label;
    }

    /** The label for {@code prefix + path}, quoted the git way when a plain label would not survive. */
    static String format(String prefix, String path) {
        String label = prefix + path;
        if (!needsQuoting(label)) {
            return label;
        }
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\%03o", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static boolean needsQuoting(String label) {
        if (!label.equals(label.strip())) {
            return true; // a plain label is trimmed when parsed
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static String unquote(String quoted, String headerLine) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 1;
        while (i < quoted.length()) {
            char c = quoted.charAt(i);
            if (c == '"') {
                String trailing = quoted.substring(i + 1);
                if (!trailing.isBlank() && !trailing.startsWith("\t")) {
                    break; // text after the closing quote: not a label we understand
                }
                return bytes.toString(StandardCharsets.UTF_8);
            }
            if (c != '\\') {
                int cp = quoted.codePointAt(i);
                bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
                continue;
            }
            if (i + 1 >= quoted.length()) {
                break;
            }
            char e = quoted.charAt(i + 1);
            int simple = switch (e) {
                case 'a' -> 7;
                case 'b' -> 8;
                case 't' -> 9;
                case 'n' -> 10;
                case 'v' -> 11;
                case 'f' -> 12;
                case 'r' -> 13;
                case '"' -> '"';
                case '\\' -> '\\';
                default -> -1;
            };
            if (simple >= 0) {
                bytes.write(simple);
                i += 2;
            } else if (i + 3 < quoted.length() && isOctal(e) && isOctal(quoted.charAt(i + 2))
                    && isOctal(quoted.charAt(i + 3))) {
                bytes.write(Integer.parseInt(quoted.substring(i + 1, i + 4), 8) & 0xff);
                i += 4;
            } else {
                break;
            }
        }
        throw PyroException.invalid("invalid patch header: " + Excerpt.raw(headerLine));
    }

    private static boolean isOctal(char c) {
        return c >= '0' && c <= '7';
    }
}
