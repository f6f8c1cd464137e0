package dev.pyro.cli.prepare;

import dev.pyro.api.Defaults;
import dev.pyro.cli.output.CliProgress;
import dev.pyro.cli.output.Fields;
import dev.pyro.cli.output.JsonFlag;
import dev.pyro.cli.output.JsonOutput;
import dev.pyro.api.environment.PrepareResult;
import dev.pyro.api.Progress;
import dev.pyro.sdk.Environments;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "prepare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Warm the daily loop of an environment: install it (and the guest kernel when the vm "
                + "backend is used), prove create, exec, reset and delete on a throwaway workspace, and record "
                + "it so `pyro doctor` reports the loop WARM. On the vm backend this also builds the warm "
                + "template that later creates and resets start from.",
                "A warm record that covers the request is reused (reused=true) unless --force or its vm "
                        + "template went cold."},
        footer = {"", "Examples:", "  pyro prepare", "  pyro prepare debian:12-build --network", "  pyro prepare --force --json"})
public final class PrepareCommand implements Runnable {

    @Parameters(paramLabel = "ENVIRONMENT", arity = "0..1", description = "Environment to warm (default: ${DEFAULT-VALUE}).")
    String environment = Defaults.ENVIRONMENT;

    @Option(names = "--network", description = "Also prove guest networking (policy egress; needs the vm backend).")
    boolean network;

    @Option(names = "--force", description = "Run the full cycle even when the daily loop is warm.")
    boolean force;

    @Mixin
    JsonFlag json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        Environments.requireKnown(environment);
        try (Pyro pyro = Pyro.create(); CliProgress bar = json.json ? null : CliProgress.forStderr("prepare")) {
            PrepareResult result = pyro.prepare(environment, network, force, bar == null ? Progress.NONE : bar);
            PrintWriter out = spec.commandLine().getOut();
            if (json.json) {
                JsonOutput.print(out, result);
                return;
            }
            new Fields()
                    .add("Prepare", result.environment())
                    .add("Daily loop", result.status().toUpperCase(Locale.ROOT))
                    .add("Result", (result.reused() ? "reused" : "prepared") + " network_prepared="
                            + Fields.yesNo(result.networkPrepared()) + (result.backend() == null ? ""
                            : " backend=" + result.backend()) + " duration_ms=" + result.lastPrepareDurationMs())
                    .print(out);
            out.flush();
        }
    }
}
