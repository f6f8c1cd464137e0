package dev.pyro.cli.workspace;

import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "disk", mixinStandardHelpOptions = true,
        description = {"Inspect a stopped workspace's root file system: export it as a raw ext4 image, list it, read files.",
                "Runtime-only paths (/run/pyro-*, where secrets live) are never included."},
        footerHeading = "%nExample:%n",
        footer = {"  pyro workspace stop \"$WORKSPACE_ID\"",
                "  pyro workspace disk list \"$WORKSPACE_ID\" --recursive",
                "  pyro workspace disk read \"$WORKSPACE_ID\" /var/log/dpkg.log --max-bytes 4096",
                "  pyro workspace disk export \"$WORKSPACE_ID\" --output ./workspace.ext4",
                "  pyro workspace start \"$WORKSPACE_ID\""})
final class WorkspaceDiskCommand extends dev.pyro.cli.GroupCommand {
    @Override
    public List<Class<?>> subcommands() {
        return List.of(WorkspaceDiskExportCommand.class, WorkspaceDiskListCommand.class,
                WorkspaceDiskReadCommand.class);
    }
}
