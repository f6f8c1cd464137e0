package dev.pyro.cli.env;

import dev.pyro.cli.output.JsonOutput;
import dev.pyro.api.environment.EnvironmentInfo;
import dev.pyro.sdk.Environments;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import java.util.List;
import dev.pyro.cli.output.JsonFlag;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the catalog's environments and whether each is installed.")
final class EnvListCommand implements Runnable {

    /** The payload, in this key order every time. */
    record Listing(String catalogVersion, List<EnvironmentInfo> environments) {
    }

    @Mixin
    JsonFlag json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        List<EnvironmentInfo> environments = Pyro.create().listEnvironments();
        if (json.json) {
            JsonOutput.print(out, new Listing(Environments.CATALOG_VERSION, environments));
            return;
        }
        out.println("Catalog version: " + Environments.CATALOG_VERSION);
        int nameWidth = environments.stream().mapToInt(e -> e.name().length()).max().orElse(0);
        for (EnvironmentInfo env : environments) {
            out.println(String.format("%-" + nameWidth + "s  %-13s  %s", env.name(),
                    env.installed() ? "installed" : "not installed", env.description()));
        }
        out.flush();
    }
}
