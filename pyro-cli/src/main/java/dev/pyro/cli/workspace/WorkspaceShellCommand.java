package dev.pyro.cli.workspace;

import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "shell", mixinStandardHelpOptions = true,
        description = "Interactive PTY shells in a workspace: open one, write to it, read its output by cursor.",
        footerHeading = "%nExample:%n",
        footer = {"  SHELL_ID=\"$(pyro workspace shell open \"$WORKSPACE_ID\" --id-only)\"",
                "  pyro workspace shell write \"$WORKSPACE_ID\" \"$SHELL_ID\" --input 'make test'",
                "  pyro workspace shell read \"$WORKSPACE_ID\" \"$SHELL_ID\" --plain --wait-for-idle-ms 300"})
final class WorkspaceShellCommand extends dev.pyro.cli.GroupCommand {
    @Override
    public List<Class<?>> subcommands() {
        return List.of(WorkspaceShellOpenCommand.class, WorkspaceShellReadCommand.class,
                WorkspaceShellWriteCommand.class, WorkspaceShellSignalCommand.class,
                WorkspaceShellCloseCommand.class);
    }
}
