package dev.pyro.cli;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Builds the picocli tree only as far as the arguments need it. picocli reflects over every
 * command it registers, and the whole tree took ~0.25 s of a ~0.3 s CLI start; `pyro workspace
 * exec ...` needs three commands of ~60. A group whose next argument is not one of its
 * subcommands (none, {@code --help}, a typo) gets all of them, so usage, help and picocli's
 * suggestions are what the full tree would give.
 */
public final class CommandTree {

    private static final CommandLine.IFactory FACTORY = CommandLine.defaultFactory();

    private CommandTree() {
    }

    /** The tree for these arguments; with none, the whole tree. */
    public static CommandLine build(GroupCommand root, String... args) {
        CommandLine line = new CommandLine(root);
        attach(line, root, args, 0);
        return line;
    }

    private static void attach(CommandLine line, GroupCommand group, String[] args, int from) {
        List<Class<?>> subcommands = group.subcommands();
        boolean versionAsked = false;
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help") || arg.equals("--")) {
                break;
            }
            if (arg.startsWith("-")) {
                versionAsked |= arg.equals("-V") || arg.equals("--version");
                continue;
            }
            Class<?> named = named(subcommands, arg);
            if (named == null) {
                break;
            }
            add(line, named, args, i + 1);
            return;
        }
        if (versionAsked) {
            return; // picocli prints the version and runs nothing
        }
        for (Class<?> type : subcommands) {
            add(line, type, new String[0], 0);
        }
    }

    private static void add(CommandLine parent, Class<?> type, String[] args, int from) {
        Object command = create(type);
        CommandLine sub = new CommandLine(command, FACTORY);
        parent.addSubcommand(sub);
        if (command instanceof GroupCommand group) {
            attach(sub, group, args, from);
        }
    }

    private static Class<?> named(List<Class<?>> types, String name) {
        for (Class<?> type : types) {
            Command command = type.getAnnotation(Command.class);
            if (command.name().equals(name) || Arrays.asList(command.aliases()).contains(name)) {
                return type;
            }
        }
        return null;
    }

    private static Object create(Class<?> type) {
        try {
            return FACTORY.create(type);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the command " + type.getName(), e);
        }
    }
}
