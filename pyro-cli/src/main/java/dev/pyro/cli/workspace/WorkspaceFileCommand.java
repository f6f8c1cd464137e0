package dev.pyro.cli.workspace;

import picocli.CommandLine.Command;

@Command(name = "file", mixinStandardHelpOptions = true, description = "List, read and write files in /workspace.",
        subcommands = {WorkspaceFileListCommand.class, WorkspaceFileReadCommand.class, WorkspaceFileWriteCommand.class})
final class WorkspaceFileCommand extends dev.pyro.cli.GroupCommand {
}
