package dev.pyro.engine.workspace.disk;

import dev.pyro.api.PyroException;
import dev.pyro.engine.workspace.files.WorkspacePath;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A path on a stopped workspace's disk (spec §8.1, disk rules). Unlike live file paths, an absolute
 * path may name anything in the guest's root file system, {@code ..} pops a component and {@code /}
 * itself is allowed: the disk is an image read by debugfs, so no path can reach the host. A relative
 * path still means a path inside {@code /workspace}, with the strict live rule.
 */
final class DiskPath {

    private DiskPath() {
    }

    static String normalize(String raw) {
        if (raw == null) {
            return WorkspacePath.ROOT_PATH;
        }
        String text = raw.strip();
        if (text.isEmpty()) {
            throw PyroException.invalid("workspace disk path must not be empty");
        }
        if (text.indexOf('\0') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw PyroException.invalid("workspace disk path must not contain NUL bytes or line breaks");
        }
        if (!text.startsWith("/")) {
            return WorkspacePath.normalize(text, "path").value();
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String segment : text.split("/")) {
            if (segment.equals("..")) {
                parts.pollLast();
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                parts.addLast(segment);
            }
        }
        return "/" + String.join("/", parts);
    }
}
