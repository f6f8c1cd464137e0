package dev.pyro.engine.workspace.files;

import dev.pyro.api.PyroException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The spec's archive member name rules (§8.2), shared by tar and directory imports. */
final class MemberPath {

    private MemberPath() {
    }

    /**
     * The member's path relative to the destination ({@code a/b}), or "" for the destination
     * itself ({@code .}, {@code ./}). Refuses empty, absolute and {@code ..} names with the spec's
     * messages, and names the guest could not hold (NUL, longer than PATH_MAX or NAME_MAX).
     */
    static String normalize(String name) {
        String text = name == null ? "" : name.strip();
        if (text.isEmpty()) {
            throw PyroException.invalid("archive member path is empty");
        }
        if (text.startsWith("/")) {
            throw PyroException.invalid("absolute archive member paths are not allowed: " + name);
        }
        if (text.indexOf('\0') >= 0) {
            throw unsafe(name);
        }
        List<String> parts = new ArrayList<>();
        for (String segment : text.split("/")) {
            if (segment.equals("..")) {
                throw unsafe(name);
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                parts.add(segment);
            }
        }
        String path = String.join("/", parts);
        checkLength(path, name);
        return path;
    }

    /**
     * Refuses a path the guest could not create: a component over NAME_MAX, or a whole path that
     * would pass PATH_MAX below a destination (room is left for the destination in front).
     */
    static void checkLength(String path, String name) {
        if (path.getBytes(StandardCharsets.UTF_8).length > WorkspacePath.MAX_PATH_BYTES - 256) {
            throw PyroException.invalid("archive member path is too long: " + name);
        }
        for (String segment : path.split("/")) {
            if (segment.getBytes(StandardCharsets.UTF_8).length > WorkspacePath.MAX_NAME_BYTES) {
                throw PyroException.invalid("archive member path is too long: " + name);
            }
        }
    }

    static PyroException unsafe(String name) {
        return PyroException.invalid("unsafe archive member path: " + name);
    }
}
