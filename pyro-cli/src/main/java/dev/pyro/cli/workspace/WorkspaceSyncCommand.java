package dev.pyro.cli.workspace;

import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "sync", mixinStandardHelpOptions = true, description = "Copy host files into a live workspace.")
final class WorkspaceSyncCommand extends dev.pyro.cli.GroupCommand {
    @Override
    public List<Class<?>> subcommands() {
        return List.of(WorkspaceSyncPushCommand.class);
    }
}
