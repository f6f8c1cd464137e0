package dev.pyro.cli.workspace;

import picocli.CommandLine.Command;

@Command(name = "patch", mixinStandardHelpOptions = true, description = "Apply unified diffs to /workspace.",
        subcommands = {WorkspacePatchApplyCommand.class})
final class WorkspacePatchCommand extends dev.pyro.cli.GroupCommand {
}
