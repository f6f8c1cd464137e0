package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.SnapshotDeleted;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a named snapshot (the baseline stays).")
final class WorkspaceSnapshotDeleteCommand extends WorkspaceIdCommand<SnapshotDeleted> {

    @Parameters(index = "1", paramLabel = "SNAPSHOT_NAME")
    String name;

    @Override
    SnapshotDeleted call(Pyro pyro, String id) {
        return pyro.deleteSnapshot(id, name);
    }

    @Override
    void printHuman(PrintWriter out, SnapshotDeleted deleted) {
        out.println("Deleted snapshot " + deleted.snapshotName() + " of " + deleted.workspaceId());
    }
}
