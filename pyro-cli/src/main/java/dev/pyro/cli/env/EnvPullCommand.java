package dev.pyro.cli.env;

import dev.pyro.api.Defaults;
import dev.pyro.api.state.BackendName;

import dev.pyro.cli.output.CliProgress;
import dev.pyro.cli.output.JsonOutput;
import dev.pyro.api.environment.EnvironmentInfo;
import dev.pyro.api.Progress;
import dev.pyro.sdk.Pyro;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Make sure an environment is installed, building it from Debian packages if needed "
                + "(about a minute the first time; a broken install is rebuilt).",
                "With --backend vm, also build the guest kernel the vm backend boots (about 8 minutes, once)."})
final class EnvPullCommand implements Runnable {

    @Parameters(paramLabel = "ENVIRONMENT", description = "e.g. debian:12")
    String environment;

    @Option(names = "--backend", paramLabel = "BACKEND",
            description = "vm also builds the guest kernel; gvisor (default) needs only the environment.")
    String backend = BackendName.GVISOR.value();

    @Option(names = "--json", description = "Print the structured payload (no progress lines).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        if (!BackendName.VM.is(backend) && !BackendName.GVISOR.is(backend) && !Defaults.BACKEND.equals(backend)) {
            throw dev.pyro.api.PyroException.invalid("--backend must be vm, gvisor or auto, not '" + backend + "'");
        }
        try (CliProgress bar = json ? null : CliProgress.forStderr("pull")) {
            Progress progress = bar == null ? Progress.NONE : bar;
            EnvironmentInfo info = Pyro.create().pullEnvironment(environment, BackendName.VM.is(backend), progress);
            if (json) {
                JsonOutput.print(spec.commandLine().getOut(), info);
            } else {
                EnvironmentView.print(spec.commandLine().getOut(), "Pulled", info);
            }
        }
    }
}
