package dev.pyro.engine.workspace;

import dev.pyro.api.state.WorkspaceState;
import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.Sandboxes;
import dev.pyro.api.ids.WorkspaceId;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What a workspace needs after something went wrong elsewhere: a create or reset cut short by a
 * killed engine (orphans, leftovers, stray sandboxes), a TTL that ran out (reap), a call that timed
 * out because the sandbox paused on a full disk (explainTimeout).
 */
final class WorkspaceRecovery {

    private final WorkspaceContext context;
    private final WorkspaceLifecycle lifecycle;

    WorkspaceRecovery(WorkspaceContext context, WorkspaceLifecycle lifecycle) {
        this.context = context;
        this.lifecycle = lifecycle;
    }

    /**
     * At engine start: a workspace dir without a record is a create cut short by a crash. Its
     * sandbox (if it got that far) is killed, its mounts released, and the dir removed.
     */
    List<String> removeOrphans() {
        WorkspaceStore store = context.store();
        List<String> removed = new ArrayList<>();
        for (WorkspaceId wid : store.ids()) {
            String id = wid.value();
            Path dir = store.dir(WorkspaceId.of(id));
            if (Files.exists(dir.resolve("workspace.json"))) {
                removeLeftovers(dir);
                stopStraySandbox(id);
                continue;
            }
            try {
                dev.pyro.engine.backend.SandboxProcesses.killAllMentioning(dir.toString());
                if (dev.pyro.engine.backend.HostMounts.unmountAllUnder(dir)) {
                    store.deleteDir(WorkspaceId.of(id));
                    removed.add(id);
                }
            } catch (IOException e) {
                System.err.println("pyro: cannot remove the unfinished workspace " + dir + ": " + ErrorText.of(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return removed;
            }
        }
        return removed;
    }

    /**
     * A sandbox a killed engine was starting for a workspace whose record says stopped (or whose
     * recorded guest is dead) runs unnamed; at engine start nothing else can be starting it.
     */
    private void stopStraySandbox(String id) {
        try {
            WorkspaceRecord record = context.store().read(WorkspaceId.of(id)).orElse(null);
            if (record == null || record.sandbox() == null) {
                return;
            }
            if (WorkspaceState.STARTED.is(record.state())) {
                context.refreshLiveness(record);
            } else {
                context.releaseSandbox(record.sandbox());
            }
        } catch (IOException e) {
            System.err.println("pyro: cannot release the sandbox of stopped workspace " + id + ": " + ErrorText.of(e));
        } catch (PyroException e) {
            // an unreadable record is reported by list and removed by delete
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Files a killed engine left half-made in a workspace that lives on: record and journal temp
     * files, a snapshot's scratch dir, a snapshot archive whose metadata was never written. None is
     * part of a completed operation, and no other engine can be writing them.
     */
    private static void removeLeftovers(Path dir) {
        List<Path> leftovers = new ArrayList<>();
        try {
            collect(dir, n -> n.startsWith("workspace.json.tmp-"), leftovers);
            collect(dir.resolve("commands"), n -> n.endsWith(".json.tmp"), leftovers);
            Path snapshots = dir.resolve("snapshots");
            collect(snapshots, n -> n.startsWith(".taking-"), leftovers);
            collect(snapshots, n -> n.endsWith(".tar")
                    && !Files.exists(snapshots.resolve(n.substring(0, n.length() - 4) + ".json")), leftovers);
            for (Path leftover : leftovers) {
                dev.pyro.engine.cache.FileTrees.deleteRecursively(leftover);
            }
        } catch (IOException e) {
            System.err.println("pyro: cannot remove unfinished files in " + dir + ": " + ErrorText.of(e));
        }
    }

    private static void collect(Path dir, Predicate<String> name, List<Path> out) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> name.test(f.getFileName().toString())).forEach(out::add);
        }
    }

    /** Deletes every workspace whose TTL ran out (and any dir without a readable record). */
    List<String> reapExpired() {
        WorkspaceStore store = context.store();
        double now = context.clock().getAsDouble();
        List<String> reaped = new ArrayList<>();
        for (WorkspaceId wid : store.ids()) {
            String id = wid.value();
            Optional<WorkspaceRecord> record;
            try {
                record = store.read(WorkspaceId.of(id));
            } catch (PyroException e) {
                record = Optional.empty();
            }
            if (record.isPresent() && record.get().expiresAt() <= now) {
                try {
                    lifecycle.delete(id, "expired");
                    store.markExpired(wid);
                    reaped.add(id);
                } catch (PyroException e) {
                    System.err.println("pyro: reaping workspace " + id + " failed: " + ErrorText.of(e));
                }
            }
        }
        store.pruneExpiredMarks();
        return reaped;
    }

    /**
     * Why a call to the workspace's agent timed out, when the host side knows better than "no
     * answer": its VM paused on a full disk (still paused, or resumed just now).
     */
    Optional<PyroException> explainTimeout(String id) {
        WorkspaceRecord record;
        try {
            record = context.store().read(WorkspaceId.of(id)).orElse(null);
        } catch (PyroException unreadable) {
            return Optional.empty();
        }
        if (record == null || record.sandbox() == null || !WorkspaceState.STARTED.is(record.state())) {
            return Optional.empty();
        }
        return switch (context.sandboxes().backendOf(record.sandbox()).resumeIfStalled(record.sandbox())) {
            case DISK_FULL -> {
                context.markStalled(id);
                yield Optional.of(Sandboxes.pausedOnFullDisk(record.sandbox()));
            }
            case RESUMED -> Optional.of(PyroException.runtime("the sandbox had paused on a full disk and "
                    + "goes on now that there is space; the interrupted call may have completed in the guest: "
                    + "check, then retry", null));
            case NONE -> Optional.empty();
        };
    }
}
