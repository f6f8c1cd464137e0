package dev.pyro.cli.workspace;

import picocli.CommandLine.Command;

@Command(name = "sync", mixinStandardHelpOptions = true, description = "Copy host files into a live workspace.",
        subcommands = {WorkspaceSyncPushCommand.class})
final class WorkspaceSyncCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
