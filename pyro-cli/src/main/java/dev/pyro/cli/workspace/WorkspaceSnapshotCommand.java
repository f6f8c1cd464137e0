package dev.pyro.cli.workspace;

import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Named snapshots of /workspace, for `pyro workspace reset ID --snapshot NAME`.")
final class WorkspaceSnapshotCommand extends dev.pyro.cli.GroupCommand {
    @Override
    public List<Class<?>> subcommands() {
        return List.of(WorkspaceSnapshotCreateCommand.class, WorkspaceSnapshotListCommand.class,
                WorkspaceSnapshotDeleteCommand.class);
    }
}
