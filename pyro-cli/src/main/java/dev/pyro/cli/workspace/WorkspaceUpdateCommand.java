package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "update", mixinStandardHelpOptions = true, description = "Change a workspace's name and labels.")
final class WorkspaceUpdateCommand extends WorkspaceIdCommand<WorkspaceInfo> {

    @Option(names = "--name", paramLabel = "NAME", description = "New name.")
    String name;

    @Option(names = "--clear-name", description = "Remove the name.")
    boolean clearName;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Add or change a label; repeatable.")
    List<String> labels = List.of();

    @Option(names = "--clear-label", paramLabel = "KEY", description = "Remove a label; repeatable.")
    List<String> clearLabels = List.of();

    @Override
    WorkspaceInfo call(Pyro pyro, String id) {
        return pyro.updateWorkspace(id, name, clearName, WorkspaceCreateCommand.labels(labels), clearLabels);
    }

    @Override
    void printHuman(PrintWriter out, WorkspaceInfo payload) {
        WorkspaceView.print(out, payload);
    }
}
