package dev.pyro.engine.workspace;

import dev.pyro.api.PyroException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Validation of workspace names and labels, with the spec's rules and messages. */
final class WorkspaceNames {

    private static final Pattern LABEL_KEY = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
    private static final int MAX_TEXT = 120;

    private WorkspaceNames() {
    }

    /** Trimmed name, or null for none; empty or over 120 characters is refused. */
    static String name(String raw) {
        if (raw == null) {
            return null;
        }
        String trimmed = raw.trim();
        if (trimmed.isEmpty()) {
            throw PyroException.invalid("name must not be empty");
        }
        if (trimmed.length() > MAX_TEXT) {
            throw PyroException.invalid("name must be at most " + MAX_TEXT + " characters");
        }
        if (hasControl(trimmed)) {
            throw PyroException.invalid("name must be a single line of printable text (no newline, tab, ESC or "
                    + "other control characters)");
        }
        return trimmed;
    }

    static SortedMap<String, String> labels(Map<String, String> raw) {
        SortedMap<String, String> labels = new TreeMap<>();
        raw.forEach((key, value) -> labels.put(labelKey(key), labelValue(key, value)));
        return labels;
    }

    static String labelKey(String key) {
        if (key == null || !LABEL_KEY.matcher(key).matches()) {
            throw PyroException.invalid("label key '" + key + "' is invalid; use letters, digits, '.', '_' or '-' "
                    + "(at most 64, starting with a letter or digit)");
        }
        return key;
    }

    private static String labelValue(String key, String value) {
        String trimmed = value == null ? "" : value.trim();
        if (trimmed.isEmpty()) {
            throw PyroException.invalid("label '" + key + "' must have a non-empty value");
        }
        if (trimmed.length() > MAX_TEXT) {
            throw PyroException.invalid("label '" + key + "' value must be at most " + MAX_TEXT + " characters");
        }
        if (trimmed.contains("\n") || trimmed.contains("\r")) {
            throw PyroException.invalid("label '" + key + "' value must be a single line");
        }
        if (hasControl(trimmed)) {
            throw PyroException.invalid("label '" + key + "' value must be printable text (no tab, ESC or other "
                    + "control characters)");
        }
        try {
            StandardCharsets.UTF_8.newEncoder().encode(java.nio.CharBuffer.wrap(trimmed));
        } catch (CharacterCodingException e) {
            throw PyroException.invalid("label '" + key + "' value must be valid UTF-8");
        }
        return trimmed;
    }

    /**
     * Control characters (C0, DEL, C1), line separators and bidi overrides: printed raw by a list
     * they would forge lines or drive the terminal, so names and labels refuse them.
     */
    static boolean hasControl(String text) {
        return text.chars().anyMatch(c -> Character.getType(c) == Character.CONTROL || c == 0x2028 || c == 0x2029
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069));
    }
}
