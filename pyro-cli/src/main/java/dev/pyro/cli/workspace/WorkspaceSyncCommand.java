package dev.pyro.cli.workspace;

import picocli.CommandLine.Command;

@Command(name = "sync", mixinStandardHelpOptions = true, description = "Copy host files into a live workspace.",
        subcommands = {WorkspaceSyncPushCommand.class})
final class WorkspaceSyncCommand extends dev.pyro.cli.GroupCommand {
}
