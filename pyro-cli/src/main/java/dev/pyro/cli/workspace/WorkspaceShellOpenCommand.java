package dev.pyro.cli.workspace;

import dev.pyro.api.Defaults;
import dev.pyro.cli.output.JsonFlag;
import dev.pyro.cli.output.JsonOutput;
import dev.pyro.api.workspace.shell.ShellInfo;
import dev.pyro.sdk.Pyro;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "open", mixinStandardHelpOptions = true, description = "Open a bash shell on a new PTY in the workspace.")
final class WorkspaceShellOpenCommand implements Runnable {

    @Parameters(index = "0", paramLabel = "WORKSPACE_ID")
    String workspaceId;

    @Option(names = "--cwd", paramLabel = "PATH", description = "Working directory inside /workspace (default: /workspace).")
    String cwd;

    @Option(names = "--cols", paramLabel = "N", description = "Terminal width (default: ${DEFAULT-VALUE}).")
    int cols = Defaults.SHELL_COLS;

    @Option(names = "--rows", paramLabel = "N", description = "Terminal height (default: ${DEFAULT-VALUE}).")
    int rows = Defaults.SHELL_ROWS;

    @Option(names = "--secret-env", paramLabel = "SECRET[=ENV_VAR]", description = "Pass a workspace secret; repeatable.")
    List<String> secretEnv = List.of();

    @Option(names = "--id-only", description = "Print only the shell id.")
    boolean idOnly;

    @Mixin
    JsonFlag json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        Map<String, String> env = SecretEnv.parse(secretEnv);
        try (Pyro pyro = Pyro.create()) {
            ShellInfo shell = pyro.openShell(workspaceId, cwd, cols, rows, env);
            var out = spec.commandLine().getOut();
            if (idOnly) {
                out.println(shell.shellId());
            } else if (json.json) {
                JsonOutput.print(out, shell);
            } else {
                ShellView.print(out, shell, "opened");
            }
            out.flush();
        }
    }
}
