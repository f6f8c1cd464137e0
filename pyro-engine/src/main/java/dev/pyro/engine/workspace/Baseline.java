package dev.pyro.engine.workspace;

import dev.pyro.api.workspace.SeedOrigin;
import dev.pyro.api.workspace.WorkspaceSeed;
import dev.pyro.api.PyroException;
import dev.pyro.engine.workspace.files.AgentGuestFs;
import dev.pyro.engine.workspace.files.ArchiveFormat;
import dev.pyro.engine.workspace.files.ImportPlan;
import dev.pyro.api.workspace.files.ImportResult;
import dev.pyro.engine.workspace.files.ImportSource;
import dev.pyro.engine.workspace.files.ImportSources;
import dev.pyro.engine.workspace.files.PlanArchive;
import dev.pyro.engine.workspace.files.TarSource;
import dev.pyro.engine.workspace.files.TransferLimits;
import dev.pyro.engine.workspace.files.TreeImport;
import dev.pyro.engine.workspace.files.WorkspacePath;
import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.ErrorText;
import dev.pyro.protocol.TreeWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The immutable create-time content of {@code /workspace}: {@code baseline/workspace.tar}, made
 * from the validated seed at create, imported into the guest at create and at every reset, and
 * the reference of {@code diff}.
 */
final class Baseline {

    static final Duration IMPORT_TIMEOUT = Duration.ofSeconds(60);

    private Baseline() {
    }

    static Path archive(Path workspaceDir) {
        return workspaceDir.resolve("baseline").resolve("workspace.tar");
    }

    /**
     * Validates the seed (none: empty), writes it as the baseline archive, and describes it. With an
     * origin the seed path is a staging copy: the origin is reported instead (a project checkout's
     * root as {@code seed_path}; nothing for a clone, whose copy is gone after create).
     */
    static WorkspaceSeed prepare(Path seedPath, Path workspaceDir, SeedOrigin origin) throws IOException {
        Path archive = archive(workspaceDir);
        Files.createDirectories(archive.getParent());
        if (seedPath == null) {
            try (OutputStream out = Files.newOutputStream(archive)) {
                out.write(new byte[1024]); // an empty tar: two zero blocks
            }
            return WorkspaceSeed.empty();
        }
        ImportSource source = ImportSources.open("seed_path", seedPath.toString(), TransferLimits.DEFAULT);
        ImportPlan plan = source.inspect();
        try (OutputStream out = Files.newOutputStream(archive)) {
            PlanArchive.write(source, plan, out);
        }
        String path = source.path().toString();
        if (origin != null) {
            String shown = SeedOrigin.PROJECT_PATH.equals(origin.kind()) ? origin.ref() : null;
            return new WorkspaceSeed(source.mode(), shown, dev.pyro.api.Defaults.WORKSPACE_PATH, plan.entryCount(),
                    plan.bytesWritten(), origin.kind(), origin.ref());
        }
        return new WorkspaceSeed(source.mode(), path, dev.pyro.api.Defaults.WORKSPACE_PATH, plan.entryCount(),
                plan.bytesWritten(), "seed_path", path);
    }

    /** Imports an archive (the baseline, or a snapshot) into the guest's {@code /workspace}. */
    static ImportResult importInto(AgentConnection agent, Path archive) {
        TarSource source;
        try {
            source = new TarSource(archive, ArchiveFormat.detect(archive), "baseline", TransferLimits.DEFAULT);
        } catch (IOException e) {
            throw PyroException.runtime("the workspace baseline " + archive + " cannot be read: " + ErrorText.of(e), e);
        }
        return importSource(agent, source, source.inspect(), WorkspacePath.ROOT);
    }

    /** Writes a validated plan into the guest; nothing is sent if the guest check refuses it. */
    static ImportResult importSource(AgentConnection agent, ImportSource source, ImportPlan plan,
                                     WorkspacePath destination) {
        try (TreeWriter writer = agent.files().openTree(true)) {
            return new TreeImport(new AgentGuestFs(agent, IMPORT_TIMEOUT))
                    .writeTo(writer, source, plan, destination, IMPORT_TIMEOUT);
        }
    }
}
