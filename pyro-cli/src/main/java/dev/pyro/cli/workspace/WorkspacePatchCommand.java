package dev.pyro.cli.workspace;

import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "patch", mixinStandardHelpOptions = true, description = "Apply unified diffs to /workspace.")
final class WorkspacePatchCommand extends dev.pyro.cli.GroupCommand {
    @Override
    public List<Class<?>> subcommands() {
        return List.of(WorkspacePatchApplyCommand.class);
    }
}
