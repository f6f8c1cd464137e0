package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.WorkspaceDeleteResult;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a workspace and everything in it.")
final class WorkspaceDeleteCommand extends WorkspaceIdCommand<WorkspaceDeleteResult> {
    @Override
    WorkspaceDeleteResult call(Pyro pyro, String id) {
        return pyro.deleteWorkspace(id);
    }

    @Override
    void printHuman(PrintWriter out, WorkspaceDeleteResult payload) {
        out.println("Deleted workspace " + payload.workspaceId());
    }
}
