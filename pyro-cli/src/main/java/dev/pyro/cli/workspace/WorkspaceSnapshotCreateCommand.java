package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.Snapshot;
import dev.pyro.api.workspace.SnapshotCreated;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Keep the current /workspace under a name (only /workspace: not processes, /tmp or services).")
final class WorkspaceSnapshotCreateCommand extends WorkspaceIdCommand<SnapshotCreated> {

    @Parameters(index = "1", paramLabel = "SNAPSHOT_NAME")
    String name;

    @Override
    SnapshotCreated call(Pyro pyro, String id) {
        return pyro.createSnapshot(id, name);
    }

    @Override
    void printHuman(PrintWriter out, SnapshotCreated created) {
        out.println("Snapshot " + created.snapshot().snapshotName() + " of " + created.workspaceId() + " ("
                + created.snapshot().entryCount() + " entries, " + created.snapshot().bytesWritten() + " bytes)");
    }
}
