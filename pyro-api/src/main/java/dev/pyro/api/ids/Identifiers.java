package dev.pyro.api.ids;

import dev.pyro.api.PyroException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The one check for every identifier that names a file or a directory in the state dir. Ids are
 * the first 12 hex characters of a UUID4 (spec §0), lowercase as Pyro makes them: nothing that
 * could be an absolute path, a {@code ..}, a separator or a command-line option gets through.
 */
public final class Identifiers {

    private static final Pattern HEX12 = Pattern.compile("[0-9a-f]{12}");
    /** Service and snapshot names (spec §14). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private Identifiers() {
    }

    public static boolean isHex12(String raw) {
        return raw != null && HEX12.matcher(raw).matches();
    }

    /** {@code raw} if it is a 12-character lowercase hex id, else an invalid-input error naming {@code field}. */
    public static String hex12(String field, String raw) {
        if (raw == null || raw.isEmpty()) {
            throw PyroException.invalid(field + " must not be empty");
        }
        if (!isHex12(raw)) {
            throw PyroException.invalid(field + " must be 12 lowercase hex characters (as Pyro prints it), got "
                    + quoted(raw));
        }
        return raw;
    }

    public static boolean isName(String raw) {
        return raw != null && NAME.matcher(raw).matches();
    }

    /** A new id: the first 12 hex characters of a UUID4. */
    public static String newHex12() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /**
     * {@code raw} in single quotes for an error line: control characters (newline, ESC, DEL,
     * C1) become {@code \\uXXXX} so a hostile id cannot paint the terminal or forge a second line;
     * long input is cut at 80 characters.
     */
    public static String quoted(String raw) {
        StringBuilder out = new StringBuilder("'");
        int limit = Math.min(raw.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (raw.length() > limit) {
            out.append("...");
        }
        return out.append('\'').toString();
    }
}
