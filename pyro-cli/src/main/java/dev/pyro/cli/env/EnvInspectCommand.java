package dev.pyro.cli.env;

import dev.pyro.cli.output.JsonOutput;
import dev.pyro.api.environment.EnvironmentInfo;
import dev.pyro.sdk.Pyro;
import dev.pyro.cli.output.JsonFlag;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show one environment and its install state (and why it is not installed).")
final class EnvInspectCommand implements Runnable {

    @Parameters(paramLabel = "ENVIRONMENT", description = "e.g. debian:12")
    String environment;

    @Mixin
    JsonFlag json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        EnvironmentInfo info = Pyro.create().inspectEnvironment(environment);
        if (json.json) {
            JsonOutput.print(spec.commandLine().getOut(), info);
        } else {
            EnvironmentView.print(spec.commandLine().getOut(), "Environment", info);
        }
    }
}
