package dev.pyro.cli.workspace;

import picocli.CommandLine.Option;

/** {@code --json}, shared by every workspace command. */
final class JsonFlag {

    @Option(names = "--json", description = "Print the structured payload.")
    boolean json;
}
