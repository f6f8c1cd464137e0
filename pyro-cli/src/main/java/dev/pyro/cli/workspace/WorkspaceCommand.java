package dev.pyro.cli.workspace;

import java.util.List;
import picocli.CommandLine.Command;

/** {@code pyro workspace}: persistent sandboxes an agent lives in. */
@Command(name = "workspace", mixinStandardHelpOptions = true,
        description = {"Persistent workspaces: a sandbox whose /workspace lives on across commands, seeded at "
                + "create, with a command journal, stop/start, and reset back to the create-time baseline."},
        footerHeading = "%nWalkthrough:%n",
        footer = {"  WORKSPACE_ID=\"$(pyro workspace create debian:12 --seed-path ./repo --id-only)\"",
                "  pyro workspace file read \"$WORKSPACE_ID\" note.txt --content-only",
                "  pyro workspace patch apply \"$WORKSPACE_ID\" --patch-file fix.patch",
                "  pyro workspace exec \"$WORKSPACE_ID\" -- make test",
                "  pyro workspace summary \"$WORKSPACE_ID\"",
                "  pyro workspace diff \"$WORKSPACE_ID\"",
                "  pyro workspace export \"$WORKSPACE_ID\" note.txt --output ./note.txt",
                "  pyro workspace reset \"$WORKSPACE_ID\"",
                "  pyro workspace delete \"$WORKSPACE_ID\""})
public final class WorkspaceCommand extends dev.pyro.cli.GroupCommand {
    @Override
    public List<Class<?>> subcommands() {
        return List.of(WorkspaceCreateCommand.class, WorkspaceListCommand.class, WorkspaceStatusCommand.class,
                WorkspaceUpdateCommand.class, WorkspaceExecCommand.class, WorkspaceLogsCommand.class,
                WorkspaceStopCommand.class, WorkspaceStartCommand.class, WorkspaceResetCommand.class,
                WorkspaceDeleteCommand.class, WorkspaceSyncCommand.class, WorkspaceFileCommand.class,
                WorkspacePatchCommand.class, WorkspaceDiffCommand.class, WorkspaceExportCommand.class,
                WorkspaceSummaryCommand.class, WorkspaceSnapshotCommand.class, WorkspaceShellCommand.class,
                WorkspaceServiceCommand.class, WorkspaceDiskCommand.class);
    }
}
