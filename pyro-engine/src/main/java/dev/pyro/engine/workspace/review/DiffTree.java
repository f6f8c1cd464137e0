package dev.pyro.engine.workspace.review;

import dev.pyro.api.workspace.review.ArtifactType;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A tree as the spec's collector sees it (§12.2 step 4): paths in sorted order, files and
 * symlinks as leaves, and directories only when empty, since a non-empty one is implied by its
 * children. The engine may pass every directory of its walk; the implied ones are dropped here.
 */
final class DiffTree {

    private DiffTree() {
    }

    static NavigableMap<String, TreeEntry> of(Map<String, TreeEntry> entries) {
        NavigableMap<String, TreeEntry> tree = new TreeMap<>(PathOrder.COMPARATOR);
        tree.putAll(entries);
        List<String> implied = tree.entrySet().stream()
                .filter(e -> e.getValue().type() == ArtifactType.DIRECTORY && hasChildren(tree, e.getKey()))
                .map(Map.Entry::getKey)
                .toList();
        implied.forEach(tree::remove);
        return tree;
    }

    /** Children of {@code dir} sort right after {@code dir + "/"}, so one ceiling lookup decides. */
    private static boolean hasChildren(NavigableMap<String, TreeEntry> tree, String dir) {
        String prefix = dir + "/";
        String after = tree.ceilingKey(prefix);
        return after != null && after.startsWith(prefix);
    }
}
