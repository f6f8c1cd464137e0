package dev.pyro.cli.host;

import dev.pyro.cli.output.Fields;
import dev.pyro.cli.output.JsonFlag;
import dev.pyro.cli.output.JsonOutput;
import dev.pyro.api.PyroException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "print-config", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the config that connects a host to pyro's MCP server, without changing anything.",
                "opencode: opencode.json with mcp.pyro. generic: {\"mcpServers\": {\"pyro\": ...}} for Claude "
                        + "Desktop, Cursor and other MCP clients. claude-code, codex: the host CLI command that "
                        + "`pyro host connect` runs.",
                "--output merges the JSON into a file instead (other keys kept, old file backed up)."},
        footerHeading = "%n",
        footer = {"Examples:",
            "  pyro host print-config opencode --mode repro-fix",
            "  pyro host print-config generic --mode inspect --project-path ~/src/app",
            "  pyro host print-config generic --output ~/.cursor/mcp.json",
            "  pyro host print-config claude-code --mode cold-start"})
public final class HostPrintConfigCommand implements Runnable {

    static final List<String> HOSTS = List.of(OpenCodeHost.NAME, GenericConfig.NAME, ClaudeCodeHost.NAME,
            CodexHost.NAME);

    @Parameters(index = "0", paramLabel = "HOST", description = "opencode, generic, claude-code or codex.")
    String host;

    @Mixin
    ServerFlags server;

    @Option(names = "--output", paramLabel = "PATH", order = 20,
            description = "Merge the JSON config into this file (opencode, generic).")
    String output;

    @Mixin
    JsonFlag json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        if (!HOSTS.contains(host)) {
            throw PyroException.invalid("HOST must be one of " + String.join(", ", HOSTS) + " (got '" + host + "')");
        }
        boolean jsonConfig = host.equals(OpenCodeHost.NAME) || host.equals(GenericConfig.NAME);
        if (output != null && !jsonConfig) {
            throw PyroException.invalid("--output is for opencode and generic JSON configs; " + host
                    + " keeps its own config: run `pyro host connect " + host + "`");
        }
        ServerCommand command = server.serverCommand();
        PrintedConfig result = output == null ? rendered(command) : written(command, HostPaths.expand(output));
        PrintWriter out = spec.commandLine().getOut();
        if (json.json) {
            JsonOutput.print(out, result);
        } else if (result.renderedConfig() != null) {
            out.print(result.renderedConfig());
            out.flush();
        } else {
            Fields fields = new Fields().add("Host", result.host())
                    .add("Output", result.outputPath() + (result.changed() ? "" : " (unchanged)"));
            if (result.backupPath() != null) {
                fields.add("Backup", result.backupPath());
            }
            fields.add("Server", HostPaths.shell(result.serverCommand())).print(out);
        }
    }

    private PrintedConfig rendered(ServerCommand command) {
        String text = switch (host) {
            case OpenCodeHost.NAME -> JsonConfigFile.render(OpenCodeHost.config(command));
            case GenericConfig.NAME -> JsonConfigFile.render(GenericConfig.config(command));
            case ClaudeCodeHost.NAME -> cliLine(List.of("claude", "mcp", "add", "--scope", "user", "pyro", "--"), command);
            default -> cliLine(List.of("codex", "mcp", "add", "pyro", "--"), command);
        };
        return new PrintedConfig(host, text, null, null, null, command.argv());
    }

    private static String cliLine(List<String> prefix, ServerCommand command) {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(command.argv());
        return HostPaths.shell(argv) + "\n";
    }

    private PrintedConfig written(ServerCommand command, Path path) {
        JsonConfigFile.Loaded loaded = JsonConfigFile.load(path);
        ObjectNode root = loaded.editable();
        root = host.equals(OpenCodeHost.NAME) ? OpenCodeHost.merged(root, command) : GenericConfig.merged(root, command);
        JsonConfigFile.Saved saved = JsonConfigFile.save(loaded, root);
        return new PrintedConfig(host, null, path.toString(), saved.changed(),
                saved.backupPath() == null ? null : saved.backupPath().toString(), command.argv());
    }
}
