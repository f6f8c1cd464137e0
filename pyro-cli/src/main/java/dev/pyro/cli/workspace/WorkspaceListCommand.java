package dev.pyro.cli.workspace;

import dev.pyro.cli.output.JsonFlag;
import dev.pyro.cli.output.JsonOutput;
import dev.pyro.cli.output.Printable;
import dev.pyro.api.workspace.WorkspaceList;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List workspaces, most recent activity first.")
final class WorkspaceListCommand implements Runnable {

    @Mixin
    JsonFlag json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        try (Pyro pyro = Pyro.create()) {
            WorkspaceList list = pyro.listWorkspaces();
            if (json.json) {
                JsonOutput.print(out, list);
                return;
            }
            if (list.count() == 0) {
                out.println("No workspaces.");
            } else {
                out.println(String.format("%-12s  %-8s  %-16s  %-8s  %s", "ID", "STATE", "ENVIRONMENT", "COMMANDS", "NAME"));
                for (WorkspaceList.Item ws : list.workspaces()) {
                    out.println(String.format("%-12s  %-8s  %-16s  %8d  %s", ws.workspaceId(), ws.state(),
                            ws.environment(), ws.commandCount(), ws.name() == null ? "-" : Printable.of(ws.name())));
                }
            }
            out.flush();
        }
    }
}
