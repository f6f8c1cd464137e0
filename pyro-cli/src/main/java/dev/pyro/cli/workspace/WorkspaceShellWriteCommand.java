package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.shell.ShellInfo;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "write", mixinStandardHelpOptions = true, description = "Type input into a shell (a newline is added).")
final class WorkspaceShellWriteCommand extends WorkspaceShellIdCommand<ShellInfo> {

    @Option(names = "--input", paramLabel = "TEXT", required = true, description = "What to type.")
    String input;

    @Option(names = "--no-newline", description = "Do not press Enter after the input.")
    boolean noNewline;

    @Override
    ShellInfo call(Pyro pyro, String id) {
        return pyro.writeShell(id, shellId, input, !noNewline);
    }

    @Override
    void printHuman(PrintWriter out, ShellInfo shell) {
        ShellView.print(out, shell, "wrote " + shell.inputLength() + " characters to");
    }
}
