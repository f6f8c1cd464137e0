package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "start", mixinStandardHelpOptions = true, description = "Start a stopped workspace again.")
final class WorkspaceStartCommand extends WorkspaceIdCommand<WorkspaceInfo> {
    @Override
    WorkspaceInfo call(Pyro pyro, String id) {
        return pyro.startWorkspace(id);
    }

    @Override
    void printHuman(PrintWriter out, WorkspaceInfo payload) {
        WorkspaceView.print(out, payload);
    }
}
