package dev.pyro.cli.workspace;

import dev.pyro.engine.workspace.WorkspaceSnapshots;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a named snapshot (the baseline stays).")
final class WorkspaceSnapshotDeleteCommand extends WorkspaceIdCommand<WorkspaceSnapshots.Deleted> {

    @Parameters(index = "1", paramLabel = "SNAPSHOT_NAME")
    String name;

    @Override
    WorkspaceSnapshots.Deleted call(Pyro pyro, String id) {
        return pyro.deleteSnapshot(id, name);
    }

    @Override
    void printHuman(PrintWriter out, WorkspaceSnapshots.Deleted deleted) {
        out.println("Deleted snapshot " + deleted.snapshotName() + " of " + deleted.workspaceId());
    }
}
