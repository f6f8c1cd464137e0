package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop a workspace; /workspace, the baseline and the journal are kept.")
final class WorkspaceStopCommand extends WorkspaceIdCommand<WorkspaceInfo> {
    @Override
    WorkspaceInfo call(Pyro pyro, String id) {
        return pyro.stopWorkspace(id);
    }

    @Override
    void printHuman(PrintWriter out, WorkspaceInfo payload) {
        WorkspaceView.print(out, payload);
    }
}
