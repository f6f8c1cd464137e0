package dev.pyro.cli.env;

import java.util.List;
import picocli.CommandLine.Command;

/** {@code pyro env}: the curated environments a sandbox starts from. */
@Command(name = "env", mixinStandardHelpOptions = true,
        description = "List, build (pull), inspect and prune environments. Environments are built "
                + "locally from Debian packages and cached; the first pull of one takes about a minute.")
public final class EnvCommand extends dev.pyro.cli.GroupCommand {
    @Override
    public List<Class<?>> subcommands() {
        return List.of(EnvListCommand.class, EnvPullCommand.class, EnvInspectCommand.class, EnvPruneCommand.class);
    }
}
