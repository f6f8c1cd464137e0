package dev.pyro.engine.workspace.files;

import dev.pyro.api.PyroException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A guest path inside {@code /workspace}, normalised by the spec's rule (§8.1): trimmed, {@code ..}
 * refused anywhere in the raw text, relative paths joined under {@code /workspace}, empty and
 * {@code .} segments dropped. The host normalises every path before it reaches the agent, because
 * the agent only does primitives and would follow {@code ..} wherever it leads.
 *
 * @param value the absolute guest path, {@code /workspace} or below it, without a trailing slash
 */
public record WorkspacePath(String value) {

    public static final String ROOT_PATH = "/workspace";
    public static final WorkspacePath ROOT = new WorkspacePath(ROOT_PATH);

    /** Linux's PATH_MAX: a longer path fails in the guest anyway, so say so before sending it. */
    static final int MAX_PATH_BYTES = 4096;
    /** Linux's NAME_MAX for one path component. */
    static final int MAX_NAME_BYTES = 255;

    public WorkspacePath {
        if (!value.equals(ROOT_PATH) && !value.startsWith(ROOT_PATH + "/")) {
            throw new IllegalArgumentException("not a /workspace path: " + value);
        }
    }

    /** Normalises a user's {@code path} argument ({@code workspace path ...} in errors). */
    public static WorkspacePath of(String raw) {
        return normalize(raw, "path");
    }

    /**
     * Normalises a user path given as {@code field}. Errors name the field the way the spec does:
     * {@code path} is "workspace path", {@code dest}/{@code destination} is "workspace destination",
     * anything else ({@code cwd}, {@code ready_file}, ...) is the field name itself.
     */
    public static WorkspacePath normalize(String raw, String field) {
        String subject = subject(field);
        String text = raw == null ? "" : raw.strip();
        if (text.isEmpty()) {
            throw PyroException.invalid(subject + " must not be empty");
        }
        if (text.indexOf('\0') >= 0) {
            throw PyroException.invalid(subject + " must not contain NUL bytes");
        }
        List<String> parts = new ArrayList<>();
        for (String segment : text.split("/")) {
            if (segment.equals("..")) {
                throw escapes(subject);
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                parts.add(segment);
            }
        }
        if (!text.startsWith("/")) {
            parts.addFirst("workspace");
        }
        if (parts.isEmpty() || !parts.getFirst().equals("workspace")) {
            throw escapes(subject);
        }
        String value = "/" + String.join("/", parts);
        checkLength(value, parts, subject);
        return new WorkspacePath(value);
    }

    /** The error subject for a field, as the spec words it. */
    static String subject(String field) {
        return switch (field) {
            case "path" -> "workspace path";
            case "dest", "destination" -> "workspace destination";
            default -> field;
        };
    }

    private static PyroException escapes(String subject) {
        return PyroException.invalid(subject + " must stay inside " + ROOT_PATH);
    }

    private static void checkLength(String value, List<String> parts, String subject) {
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw PyroException.invalid(subject + " is too long: at most " + MAX_PATH_BYTES + " bytes");
        }
        for (String part : parts) {
            if (part.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                throw PyroException.invalid(subject + " has a name longer than " + MAX_NAME_BYTES + " bytes: " + part);
            }
        }
    }

    public boolean isRoot() {
        return value.equals(ROOT_PATH);
    }

    /** The path below {@code /workspace} ("" for the root itself). */
    public String relative() {
        return isRoot() ? "" : value.substring(ROOT_PATH.length() + 1);
    }

    /** The last component ({@code workspace} for the root). */
    public String name() {
        return value.substring(value.lastIndexOf('/') + 1);
    }

    /** This path joined with an already-validated relative path ({@code a/b}, no dots). */
    public WorkspacePath resolve(String relative) {
        return relative.isEmpty() ? this : new WorkspacePath(value + "/" + relative);
    }

    /**
     * The absolute guest paths from {@code /workspace} down to this path, inclusive: the components
     * a symlink check has to look at.
     */
    public List<String> chain() {
        List<String> chain = new ArrayList<>();
        chain.add(ROOT_PATH);
        String current = ROOT_PATH;
        for (String part : relative().isEmpty() ? new String[0] : relative().split("/")) {
            current = current + "/" + part;
            chain.add(current);
        }
        return chain;
    }

    @Override
    public String toString() {
        return value;
    }
}
