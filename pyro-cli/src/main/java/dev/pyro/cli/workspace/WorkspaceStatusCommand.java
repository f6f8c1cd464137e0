package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Show one workspace.")
final class WorkspaceStatusCommand extends WorkspaceIdCommand<WorkspaceInfo> {
    @Override
    WorkspaceInfo call(Pyro pyro, String id) {
        return pyro.statusWorkspace(id);
    }

    @Override
    void printHuman(PrintWriter out, WorkspaceInfo payload) {
        WorkspaceView.print(out, payload);
    }
}
