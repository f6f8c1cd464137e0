package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.shell.ShellInfo;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "signal", mixinStandardHelpOptions = true, description = "Send HUP, INT, TERM or KILL to the shell's foreground.")
final class WorkspaceShellSignalCommand extends WorkspaceShellIdCommand<ShellInfo> {

    @Option(names = "--signal", paramLabel = "NAME", description = "HUP, INT, TERM or KILL (default: ${DEFAULT-VALUE}).")
    String signal = "INT";

    @Override
    ShellInfo call(Pyro pyro, String id) {
        return pyro.signalShell(id, shellId, signal);
    }

    @Override
    void printHuman(PrintWriter out, ShellInfo shell) {
        ShellView.print(out, shell, "sent " + shell.signal() + " to");
    }
}
