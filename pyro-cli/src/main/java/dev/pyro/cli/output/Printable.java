package dev.pyro.cli.output;

/**
 * Text from records (names, labels, ids a guest or an MCP client chose) made safe for one line of
 * human output: control characters, line separators and bidi overrides are shown escaped
 * ({@code \n}, {@code \e}, {@code \u202e}) so they can neither forge lines nor drive the terminal.
 * New input refuses them; this covers records written before that.
 */
public final class Printable {

    private Printable() {
    }

    public static String of(Object value) {
        if (value == null) {
            return null;
        }
        String text = value.toString();
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escaped = escape(c);
            if (escaped != null && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                out.append(escaped != null ? escaped : String.valueOf(c));
            }
        }
        return out == null ? text : out.toString();
    }

    private static String escape(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case 0x1b -> "\\e";
            case '\\' -> null;
            default -> Character.getType(c) == Character.CONTROL || c == '\u2028' || c == '\u2029'
                    || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
                    ? String.format("\\u%04x", (int) c) : null;
        };
    }
}
