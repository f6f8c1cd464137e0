package dev.pyro.engine.workspace.files;

import dev.pyro.api.PyroException;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks an import plan against what already is in the guest, before anything is written: the
 * agent's {@code write_tree} follows symlinked parents and replaces what is in its way, so a
 * {@code /workspace/link -> /etc} left by an earlier command must not turn {@code link/passwd} into
 * {@code /etc/passwd}, and spec §8.2's overwrite rules must hold for existing paths too. One
 * {@code list} per existing directory the plan touches, not one call per entry.
 */
final class GuestPreflight {

    private final GuestFs guest;
    private final WorkspacePath destination;
    private final Map<String, Map<String, GuestNode>> listings = new HashMap<>();

    private GuestPreflight(GuestFs guest, WorkspacePath destination) {
        this.guest = guest;
        this.destination = destination;
    }

    static void check(GuestFs guest, WorkspacePath destination, ImportPlan plan) {
        GuestPreflight preflight = new GuestPreflight(guest, destination);
        if (!preflight.destinationExists()) return; // all of it will be new
        for (ImportEntry entry : plan.entries()) preflight.check(entry);
    }

    /** The destination and its parents must be real directories where they exist. */
    private boolean destinationExists() {
        for (String component : destination.chain()) {
            GuestNode node = guest.stat(component);
            if (node == null) return false;
            if (node.isSymlink()) {
                throw PyroException.invalid("workspace destination would traverse through a symlinked parent: " + destination);
            }
            if (!node.isDirectory()) {
                throw PyroException.invalid("workspace destination is not a directory: " + component);
            }
        }
        return true;
    }

    private void check(ImportEntry entry) {
        String[] parts = entry.path().split("/");
        String dir = "";
        for (int i = 0; i < parts.length; i++) {
            GuestNode node = listing(dir).get(parts[i]);
            if (node == null) return; // from here down everything is new
            if (i == parts.length - 1) {
                checkSelf(entry, node);
                return;
            }
            if (node.isSymlink()) {
                throw PyroException.invalid("archive member would traverse through a symlinked path: " + entry.path());
            }
            if (!node.isDirectory()) {
                throw PyroException.invalid("archive member would traverse through a file: " + entry.path());
            }
            dir = dir.isEmpty() ? parts[i] : dir + "/" + parts[i];
        }
    }

    /** Same type replaces (a file its content, a symlink its target, a directory merges); any other pair conflicts. */
    private static void checkSelf(ImportEntry entry, GuestNode existing) {
        switch (entry.type()) {
            case DIRECTORY -> {
                if (!existing.isDirectory()) throw conflict("directory", entry);
            }
            case FILE -> {
                if (!existing.isFile()) throw conflict("file", entry);
            }
            case SYMLINK -> {
                if (!existing.isSymlink()) throw conflict("symlink", entry);
            }
        }
    }

    private static PyroException conflict(String what, ImportEntry entry) {
        return PyroException.invalid(what + " conflicts with existing path: " + entry.path());
    }

    private Map<String, GuestNode> listing(String relativeDir) {
        return listings.computeIfAbsent(relativeDir, d -> {
            Map<String, GuestNode> byName = new HashMap<>();
            for (GuestNode node : guest.list(destination.resolve(d).value())) byName.put(node.name(), node);
            return byName;
        });
    }
}
