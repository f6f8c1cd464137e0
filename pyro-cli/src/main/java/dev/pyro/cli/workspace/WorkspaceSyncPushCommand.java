package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.files.WorkspaceFilePayloads;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "push", mixinStandardHelpOptions = true,
        description = "Copy a host directory or tar archive (plain, gzip, zstd) into /workspace. Existing files "
                + "are overwritten, nothing is deleted; every entry is checked before anything is written.")
final class WorkspaceSyncPushCommand extends WorkspaceIdCommand<WorkspaceFilePayloads.Sync> {

    @Parameters(index = "1", paramLabel = "SOURCE_PATH")
    Path source;

    @Option(names = "--dest", paramLabel = "PATH", description = "Where in /workspace (default: /workspace).")
    String dest;

    @Override
    WorkspaceFilePayloads.Sync call(Pyro pyro, String id) {
        return pyro.pushWorkspaceSync(id, source, dest);
    }

    @Override
    void printHuman(PrintWriter out, WorkspaceFilePayloads.Sync sync) {
        out.println("Synced " + sync.workspaceSync().mode() + " " + sync.workspaceSync().sourcePath() + " -> "
                + sync.workspaceSync().destination() + " (" + sync.workspaceSync().entryCount() + " entries, "
                + sync.workspaceSync().bytesWritten() + " bytes)");
    }
}
