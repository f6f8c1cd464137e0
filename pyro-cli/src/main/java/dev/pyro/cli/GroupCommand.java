package dev.pyro.cli;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that only groups subcommands: run alone, it prints its usage. Its subcommands are
 * listed here rather than in the annotation so that {@link CommandTree} registers only the branch
 * the arguments name.
 */
public abstract class GroupCommand implements Runnable {

    @Spec
    CommandSpec spec;

    /** The subcommand classes, in the order usage lists them. */
    public abstract List<Class<?>> subcommands();

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
