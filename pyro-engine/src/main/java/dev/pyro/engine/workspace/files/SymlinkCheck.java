package dev.pyro.engine.workspace.files;

import dev.pyro.api.PyroException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Symlink checks against the live guest, one {@code lstat} per path component. A normalised
 * {@link WorkspacePath} is lexically inside {@code /workspace}; these make sure the guest's own
 * symlinks do not carry an operation out of it. They are checks before an operation, so a guest
 * process racing them could still swap a link in between: confinement to {@code /workspace} is a
 * product rule inside the guest, not the host's security boundary (the host never follows a guest
 * link on its own disk).
 */
public final class SymlinkCheck {

    /** Linux's limit on links followed in one lookup (ELOOP beyond). */
    static final int MAX_HOPS = 40;

    private SymlinkCheck() {
    }

    /**
     * Spec §8.1: refuses a path with a symlink anywhere from {@code /workspace} down to its parent
     * ({@code workspace path would traverse through a symlinked parent: /workspace/link/x}). The
     * path itself may be a link (delete and write decide about that). A missing component ends the
     * check: nothing below it exists yet.
     */
    public static void refuseSymlinkedParents(GuestFs fs, WorkspacePath path, String field) {
        List<String> chain = path.chain();
        for (String component : chain.subList(0, chain.size() - 1)) {
            GuestNode node = fs.stat(component);
            if (node == null) return;
            if (node.isSymlink()) {
                throw PyroException.invalid(WorkspacePath.subject(field)
                        + " would traverse through a symlinked parent: " + path);
            }
            if (!node.isDirectory()) {
                throw PyroException.invalid(WorkspacePath.subject(field) + " has a parent that is not a directory: " + path);
            }
        }
    }

    /**
     * Resolves every symlink on the way the way the kernel would and returns where the path really
     * is, refusing when any step leaves {@code /workspace}
     * ({@code workspace path resolves outside /workspace through symlink /workspace/l: /workspace/l/x}).
     * Dangling ends are fine: the result may not exist.
     */
    public static WorkspacePath resolveInside(GuestFs fs, WorkspacePath path, String field) {
        Deque<String> pending = new ArrayDeque<>(split(path.value()));
        List<String> resolved = new ArrayList<>();
        String via = null;
        int hops = 0;
        boolean missing = false;
        while (!pending.isEmpty()) {
            String part = pending.removeFirst();
            if (part.equals("..")) {
                if (!resolved.isEmpty()) resolved.removeLast();
            } else {
                resolved.add(part);
            }
            // every step, not just the end, must stay inside: a link may not even pass through /etc
            if (resolved.isEmpty() || !resolved.getFirst().equals("workspace")) {
                throw outside(field, path, via);
            }
            if (part.equals("..") || missing) continue;
            GuestNode node = fs.stat("/" + String.join("/", resolved));
            if (node == null) {
                missing = true; // below a missing component only lexical resolution is left
            } else if (node.isSymlink() && node.linkTarget() != null && !node.linkTarget().isEmpty()) {
                if (++hops > MAX_HOPS) {
                    throw PyroException.invalid(WorkspacePath.subject(field)
                            + " has too many levels of symbolic links: " + path);
                }
                via = "/" + String.join("/", resolved);
                String target = node.linkTarget();
                resolved.removeLast();
                if (target.startsWith("/")) resolved.clear();
                List<String> targetParts = split(target);
                for (int i = targetParts.size() - 1; i >= 0; i--) pending.addFirst(targetParts.get(i));
                if (resolved.isEmpty() && targetParts.isEmpty()) throw outside(field, path, via);
            }
        }
        return new WorkspacePath("/" + String.join("/", resolved));
    }

    private static PyroException outside(String field, WorkspacePath path, String via) {
        return PyroException.invalid(WorkspacePath.subject(field) + " resolves outside " + WorkspacePath.ROOT_PATH
                + (via == null ? "" : " through symlink " + via) + ": " + path);
    }

    /** Components without empty and {@code .} ones ({@code ..} is kept: it means something). */
    static List<String> split(String path) {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty() && !p.equals(".")) parts.add(p);
        }
        return parts;
    }
}
