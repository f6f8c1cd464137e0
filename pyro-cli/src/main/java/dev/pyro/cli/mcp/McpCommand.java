package dev.pyro.cli.mcp;

import picocli.CommandLine.Command;

/** {@code pyro mcp}: the MCP server for chat hosts. */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = "The MCP server that gives chat hosts (Claude Code, Codex, OpenCode, any MCP client) "
                + "disposable workspaces.",
        subcommands = {McpServeCommand.class})
public final class McpCommand extends dev.pyro.cli.GroupCommand {
}
