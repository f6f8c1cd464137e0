package dev.pyro.cli.host;

import dev.pyro.cli.output.Fields;
import dev.pyro.cli.output.JsonFlag;
import dev.pyro.cli.output.JsonOutput;
import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code connect} and {@code repair}: both make one host's pyro entry the canonical command. */
abstract class ConnectingCommand implements Runnable {

    @Parameters(index = "0", paramLabel = "HOST", description = "claude-code, codex or opencode.")
    String host;

    @Mixin
    ServerFlags server;

    @Option(names = "--config-path", paramLabel = "PATH", order = 20,
            description = "OpenCode config file to edit (default: OpenCode's global config file).")
    String configPath;

    @Mixin
    JsonFlag json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        ChatHost chatHost = ChatHost.named(host, HostOptions.openCodeConfig(host, configPath));
        ConnectResult result = chatHost.connect(server.serverCommand());
        PrintWriter out = spec.commandLine().getOut();
        if (json.json) {
            JsonOutput.print(out, result);
            return;
        }
        Fields fields = new Fields()
                .add("Host", result.host())
                .add("Result", result.action() + (result.changed() ? "" : " (already the canonical command)"))
                .add("Server", HostPaths.shell(result.serverCommand()))
                .add("Config", result.configPath());
        if (result.backupPath() != null) {
            fields.add("Backup", result.backupPath());
        }
        fields.add("Verify", HostPaths.shell(result.verificationCommand())).print(out);
    }
}
