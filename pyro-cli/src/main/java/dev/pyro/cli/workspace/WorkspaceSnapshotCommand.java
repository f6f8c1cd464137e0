package dev.pyro.cli.workspace;

import picocli.CommandLine.Command;

@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Named snapshots of /workspace, for `pyro workspace reset ID --snapshot NAME`.",
        subcommands = {WorkspaceSnapshotCreateCommand.class, WorkspaceSnapshotListCommand.class,
                WorkspaceSnapshotDeleteCommand.class})
final class WorkspaceSnapshotCommand extends dev.pyro.cli.GroupCommand {
}
