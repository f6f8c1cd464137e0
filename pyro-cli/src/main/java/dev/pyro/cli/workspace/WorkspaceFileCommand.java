package dev.pyro.cli.workspace;

import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "file", mixinStandardHelpOptions = true, description = "List, read and write files in /workspace.")
final class WorkspaceFileCommand extends dev.pyro.cli.GroupCommand {
    @Override
    public List<Class<?>> subcommands() {
        return List.of(WorkspaceFileListCommand.class, WorkspaceFileReadCommand.class,
                WorkspaceFileWriteCommand.class);
    }
}
