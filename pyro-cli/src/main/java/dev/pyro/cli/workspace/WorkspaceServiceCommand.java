package dev.pyro.cli.workspace;

import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "service", mixinStandardHelpOptions = true,
        description = "Long-running services in a workspace, with readiness checks and logs.",
        footerHeading = "%nExample:%n",
        footer = {"  pyro workspace service start \"$WORKSPACE_ID\" web --ready-file .web-ready -- \\",
                "    sh -lc 'touch .web-ready && while true; do sleep 60; done'"})
final class WorkspaceServiceCommand extends dev.pyro.cli.GroupCommand {
    @Override
    public List<Class<?>> subcommands() {
        return List.of(WorkspaceServiceStartCommand.class, WorkspaceServiceListCommand.class,
                WorkspaceServiceStatusCommand.class, WorkspaceServiceLogsCommand.class,
                WorkspaceServiceStopCommand.class);
    }
}
