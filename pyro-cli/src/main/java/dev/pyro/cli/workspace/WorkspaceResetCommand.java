package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "reset", mixinStandardHelpOptions = true,
        description = "Recreate the sandbox and restore /workspace to the baseline (or --snapshot NAME); the journal restarts, "
                + "the workspace's id, name, labels and baseline stay. The normal retry step.")
final class WorkspaceResetCommand extends WorkspaceIdCommand<WorkspaceInfo> {

    @picocli.CommandLine.Option(names = "--snapshot", paramLabel = "NAME",
            description = "Restore this named snapshot instead (default: baseline).")
    String snapshot;

    @Override
    WorkspaceInfo call(Pyro pyro, String id) {
        return pyro.resetWorkspace(id, snapshot);
    }

    @Override
    void printHuman(PrintWriter out, WorkspaceInfo payload) {
        WorkspaceView.print(out, payload);
    }
}
