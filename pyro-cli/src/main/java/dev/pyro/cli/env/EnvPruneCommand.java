package dev.pyro.cli.env;

import dev.pyro.cli.output.JsonOutput;
import dev.pyro.api.environment.PruneResult;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import java.util.List;
import dev.pyro.cli.output.JsonFlag;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Delete old, invalid and partial environment installs (valid ones stay), and the warm "
                + "templates of environments that are no longer installed."})
final class EnvPruneCommand implements Runnable {

    @Mixin
    JsonFlag json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PruneResult result = Pyro.create().pruneEnvironments();
        PrintWriter out = spec.commandLine().getOut();
        if (json.json) {
            JsonOutput.print(out, result);
        } else if (result.count() == 0 && result.deletedTemplateDirs().isEmpty()) {
            out.println("Nothing to prune.");
        } else {
            list(out, result.deletedEnvironmentDirs(), "environment dir");
            list(out, result.deletedTemplateDirs(), "template");
        }
        out.flush();
    }

    private static void list(PrintWriter out, List<String> names, String what) {
        if (!names.isEmpty()) {
            out.println("Deleted " + names.size() + " " + what + (names.size() == 1 ? "" : "s") + ":");
            names.forEach(name -> out.println("  " + name));
        }
    }
}
