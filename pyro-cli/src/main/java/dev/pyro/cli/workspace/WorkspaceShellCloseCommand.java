package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.shell.ShellInfo;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "close", mixinStandardHelpOptions = true, description = "Close a shell (HUP, then KILL after 5 s).")
final class WorkspaceShellCloseCommand extends WorkspaceShellIdCommand<ShellInfo> {

    @Override
    ShellInfo call(Pyro pyro, String id) {
        return pyro.closeShell(id, shellId);
    }

    @Override
    void printHuman(PrintWriter out, ShellInfo shell) {
        ShellView.print(out, shell, "closed");
    }
}
