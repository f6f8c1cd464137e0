package dev.pyro.cli.workspace;

import dev.pyro.api.OutputListener;
import dev.pyro.cli.output.JsonFlag;
import dev.pyro.cli.output.JsonOutput;
import dev.pyro.cli.output.Passthrough;
import dev.pyro.cli.run.ShellWords;
import dev.pyro.api.vm.VmLimits;
import dev.pyro.api.workspace.WorkspaceExecResult;
import dev.pyro.sdk.Pyro;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Run a command in /workspace and record it in the journal.",
                "Output passes through; pyro exits with the command's exit code."})
final class WorkspaceExecCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "WORKSPACE_ID")
    String workspaceId;

    @Parameters(index = "1..*", paramLabel = "COMMAND", arity = "1..*",
            description = "The command, after --. One token is a shell command line; several are quoted and joined.")
    List<String> command;

    @Option(names = "--timeout-seconds", paramLabel = "S", description = "Command timeout; exit 124 when hit (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = VmLimits.DEFAULT_TIMEOUT_SECONDS;

    @Option(names = "--secret-env", paramLabel = "SECRET[=ENV_VAR]",
            description = "Pass a workspace secret as an environment variable (default: its own name); repeatable.")
    List<String> secretEnv = List.of();

    @Mixin
    JsonFlag json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintStream err = System.err;
        OutputListener passthrough = json.json ? OutputListener.NONE : Passthrough.toStandardStreams();
        try (Pyro pyro = Pyro.create()) {
            Map<String, String> env = SecretEnv.parse(secretEnv);
            WorkspaceExecResult result = pyro.execWorkspace(workspaceId, ShellWords.join(command), timeoutSeconds,
                    env, passthrough);
            if (json.json) {
                JsonOutput.print(spec.commandLine().getOut(), result);
            } else {
                err.println("[workspace-exec] workspace_id=" + result.workspaceId() + " sequence=" + result.sequence()
                        + " execution_mode=" + result.executionMode() + " exit_code=" + result.exitCode()
                        + " duration_ms=" + result.durationMs());
                err.flush();
            }
            return result.exitCode();
        }
    }
}
