package dev.pyro.cli.workspace;

import picocli.CommandLine.Command;

@Command(name = "patch", mixinStandardHelpOptions = true, description = "Apply unified diffs to /workspace.",
        subcommands = {WorkspacePatchApplyCommand.class})
final class WorkspacePatchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
