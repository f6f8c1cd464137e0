package dev.pyro.engine.workspace;

import dev.pyro.api.workspace.SnapshotDeleted;
import dev.pyro.api.workspace.SnapshotListing;
import dev.pyro.api.workspace.SnapshotCreated;
import dev.pyro.api.workspace.Snapshot;
import dev.pyro.api.ids.WorkspaceId;
import dev.pyro.api.PyroException;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.api.Json;
import dev.pyro.engine.workspace.files.AgentGuestFs;
import dev.pyro.engine.workspace.files.ImportPlan;
import dev.pyro.engine.workspace.files.ImportSource;
import dev.pyro.engine.workspace.files.ImportSources;
import dev.pyro.engine.workspace.files.PlanArchive;
import dev.pyro.engine.workspace.files.TransferLimits;
import dev.pyro.engine.workspace.files.WorkspaceExport;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Named snapshots of {@code /workspace} (spec §7.6): {@code snapshots/<name>.tar} plus
 * {@code <name>.json}. Only {@code /workspace} is kept (kind {@code filesystem}), not the guest's
 * memory, processes or {@code /tmp}; the baseline is the implicit, undeletable snapshot
 * {@code baseline}.
 */
public final class WorkspaceSnapshots {

    public static final String BASELINE = "baseline";

    private final WorkspaceContext context;

    public WorkspaceSnapshots(WorkspaceContext context) {
        this.context = context;
    }

    public SnapshotCreated create(String id, String name) {
        validate(name);
        WorkspaceRecord record = context.requireStarted(id, "workspace_snapshot_create");
        Path dir = snapshotsDir(id);
        if (Files.exists(archive(dir, name))) {
            throw duplicate(name, id);
        }
        Path scratch = null;
        try {
            Files.createDirectories(dir);
            scratch = Files.createTempDirectory(dir, ".taking-" + name + "-");
            // Out of the guest with the export's checks, then into one validated tar.
            WorkspaceExport.keepingGuestModes(new AgentGuestFs(context.agent(record), Duration.ofSeconds(60)),
                    TransferLimits.DEFAULT).export("/workspace", scratch.resolve("tree").toString(), false);
            ImportSource source = ImportSources.open("snapshot", scratch.resolve("tree").toString(),
                    TransferLimits.DEFAULT);
            ImportPlan plan = source.inspect();
            Path tmpTar = scratch.resolve("snapshot.tar");
            try (OutputStream out = Files.newOutputStream(tmpTar)) {
                PlanArchive.write(source, plan, out);
            }
            double now = context.clock().getAsDouble();
            Snapshot snapshot = new Snapshot(id, name, "named", "filesystem", now, plan.entryCount(),
                    plan.bytesWritten(), true);
            if (Files.exists(archive(dir, name))) {
                throw duplicate(name, id); // taken meanwhile by another client
            }
            Files.move(tmpTar, archive(dir, name), StandardCopyOption.ATOMIC_MOVE);
            Json.writeFile(dir.resolve(name + ".json"), snapshot);
            new ReviewEvents(context.store().dir(WorkspaceId.of(id))).record("snapshot_create", Map.of("snapshot_name", name), now);
            context.mutate(id, b -> b.lastActivityAt = now);
            return new SnapshotCreated(id, snapshot, record.executionMode());
        } catch (IOException e) {
            throw PyroException.runtime("taking snapshot '" + name + "' failed: " + ErrorText.of(e), e);
        } finally {
            deleteQuietly(scratch);
        }
    }

    public SnapshotListing list(String id) {
        WorkspaceRecord record = context.live(id);
        List<Snapshot> snapshots = new ArrayList<>();
        snapshots.add(new Snapshot(id, BASELINE, "baseline", "filesystem", record.createdAt(),
                record.workspaceSeed().entryCount(), record.workspaceSeed().bytesWritten(), false));
        snapshots.addAll(named(id).stream()
                .sorted(Comparator.comparingDouble(Snapshot::createdAt).reversed()
                        .thenComparing(Snapshot::snapshotName))
                .toList());
        return new SnapshotListing(id, snapshots.size(), snapshots);
    }

    public SnapshotDeleted delete(String id, String name) {
        context.live(id);
        if (BASELINE.equals(name)) {
            throw PyroException.invalid("cannot delete the baseline snapshot");
        }
        checkName(name);
        Path dir = snapshotsDir(id);
        if (!Files.exists(archive(dir, name))) {
            throw missing(name, id);
        }
        try {
            Files.deleteIfExists(dir.resolve(name + ".json"));
            Files.deleteIfExists(archive(dir, name));
        } catch (IOException e) {
            throw PyroException.runtime("deleting snapshot '" + name + "' failed: " + ErrorText.of(e), e);
        }
        double now = context.clock().getAsDouble();
        new ReviewEvents(context.store().dir(WorkspaceId.of(id))).record("snapshot_delete", Map.of("snapshot_name", name), now);
        context.mutate(id, b -> b.lastActivityAt = now);
        return new SnapshotDeleted(id, name, true);
    }

    /** The archive a reset restores: the baseline, or a named snapshot that must exist. */
    Path archiveFor(String id, String name) {
        if (name == null || BASELINE.equals(name)) {
            return Baseline.archive(context.store().dir(WorkspaceId.of(id)));
        }
        checkName(name);
        Path archive = archive(snapshotsDir(id), name);
        if (!Files.exists(archive)) {
            throw missing(name, id);
        }
        return archive;
    }

    private List<Snapshot> named(String id) {
        Path dir = snapshotsDir(id);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Snapshot> result = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                result.add(Json.MAPPER.readValue(file.toFile(), Snapshot.class));
            }
            return result;
        } catch (IOException | RuntimeException e) {
            throw PyroException.runtime("cannot read the snapshots of workspace " + id + ": " + ErrorText.of(e), e);
        }
    }

    private static void validate(String name) {
        checkName(name);
        if (BASELINE.equals(name)) {
            throw PyroException.invalid("snapshot_name 'baseline' is reserved");
        }
    }

    /** A snapshot name becomes {@code snapshots/<name>.tar}: delete and reset check it like create does. */
    private static void checkName(String name) {
        if (name == null || !dev.pyro.api.ids.Identifiers.isName(name)) {
            throw PyroException.invalid("snapshot_name is invalid; use letters, digits, '.', '_' or '-' "
                    + "(at most 64, starting with a letter or digit)");
        }
    }

    private Path snapshotsDir(String id) {
        return context.store().dir(WorkspaceId.of(id)).resolve("snapshots");
    }

    private static Path archive(Path dir, String name) {
        return dir.resolve(name + ".tar");
    }

    private static PyroException duplicate(String name, String id) {
        return PyroException.invalid("snapshot '" + name + "' already exists in workspace '" + id + "'");
    }

    private static PyroException missing(String name, String id) {
        return PyroException.invalid("snapshot '" + name + "' does not exist in workspace '" + id + "'");
    }

    private static void deleteQuietly(Path dir) {
        try {
            if (dir != null) {
                FileTrees.deleteRecursively(dir);
            }
        } catch (IOException e) {
            // a leftover .taking-* dir is harmless and removed with the workspace
        }
    }
}
