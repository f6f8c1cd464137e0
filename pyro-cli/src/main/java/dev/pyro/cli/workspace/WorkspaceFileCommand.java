package dev.pyro.cli.workspace;

import picocli.CommandLine.Command;

@Command(name = "file", mixinStandardHelpOptions = true, description = "List, read and write files in /workspace.",
        subcommands = {WorkspaceFileListCommand.class, WorkspaceFileReadCommand.class, WorkspaceFileWriteCommand.class})
final class WorkspaceFileCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
