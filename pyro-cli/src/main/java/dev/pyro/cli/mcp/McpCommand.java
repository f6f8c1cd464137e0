package dev.pyro.cli.mcp;

import java.util.List;
import picocli.CommandLine.Command;

/** {@code pyro mcp}: the MCP server for chat hosts. */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = "The MCP server that gives chat hosts (Claude Code, Codex, OpenCode, any MCP client) "
                + "disposable workspaces.")
public final class McpCommand extends dev.pyro.cli.GroupCommand {
    @Override
    public List<Class<?>> subcommands() {
        return List.of(McpServeCommand.class);
    }
}
