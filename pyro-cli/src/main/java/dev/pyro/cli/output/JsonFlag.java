package dev.pyro.cli.output;

import picocli.CommandLine.Option;

/** {@code --json}: the structured payload instead of human output (a picocli mixin). */
public final class JsonFlag {

    @Option(names = "--json", description = "Print the structured payload.")
    public boolean json;
}
