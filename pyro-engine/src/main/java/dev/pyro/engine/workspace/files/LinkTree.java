package dev.pyro.engine.workspace.files;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of a tree being transferred (relative paths to types and link targets), to decide
 * whether a symlink stays inside it. The spec's rule normalises {@code parent/target} lexically;
 * that misses links that climb through other links ({@code x -> .} then {@code y -> x/x/../..}),
 * so this resolves targets the way the kernel would, following the tree's own links.
 */
final class LinkTree {

    private final Map<String, EntryType> types = new HashMap<>();
    private final Map<String, String> targets = new LinkedHashMap<>();

    /** The type a path has so far, or null. */
    EntryType typeOf(String path) {
        return types.get(path);
    }

    void put(String path, EntryType type, String target) {
        types.put(path, type);
        if (type == EntryType.SYMLINK) targets.put(path, target);
    }

    /**
     * Whether the link at {@code path} with {@code target} leads out of the tree's root. Absolute
     * and empty targets always do; a dangling end is fine (nothing to escape to); a loop is fine
     * too (the kernel gives ELOOP).
     */
    boolean escapes(String path, String target) {
        if (target == null || target.isEmpty() || target.startsWith("/")) return true;
        List<String> resolved = new ArrayList<>(parts(path));
        resolved.removeLast();
        Deque<String> pending = new ArrayDeque<>(parts(target));
        int hops = 0;
        while (!pending.isEmpty()) {
            String part = pending.removeFirst();
            if (part.equals("..")) {
                if (resolved.isEmpty()) return true;
                resolved.removeLast();
                continue;
            }
            resolved.add(part);
            String key = String.join("/", resolved);
            EntryType type = types.get(key);
            if (type == EntryType.SYMLINK) {
                if (++hops > SymlinkCheck.MAX_HOPS) return false;
                String next = targets.get(key);
                if (next.isEmpty() || next.startsWith("/")) return true;
                resolved.removeLast();
                List<String> nextParts = parts(next);
                for (int i = nextParts.size() - 1; i >= 0; i--) pending.addFirst(nextParts.get(i));
            } else if (type == EntryType.FILE && !pending.isEmpty()) {
                return false; // a file used as a directory: the link dangles
            }
        }
        return false;
    }

    /** All symlinks of the tree: path to target. */
    Map<String, String> links() {
        return targets;
    }

    private static List<String> parts(String path) {
        return new ArrayList<>(Arrays.stream(path.split("/")).filter(p -> !p.isEmpty() && !p.equals(".")).toList());
    }
}
