package dev.pyro.cli.host;

import picocli.CommandLine.Command;

@Command(name = "connect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Add pyro's MCP server to a chat host, as the canonical command.",
                "claude-code: `claude mcp add --scope user pyro -- ...` (every project sees it). "
                        + "codex: `codex mcp add pyro -- ...`. opencode: sets mcp.pyro in opencode.json, keeping "
                        + "every other key, with a backup of the old file.",
                "Nothing is written when the host already has the canonical command."},
        footerHeading = "%n",
        footer = {"Examples:",
            "  pyro host connect claude-code --mode cold-start",
            "  pyro host connect codex --mode repro-fix --project-path ~/src/app",
            "  pyro host connect opencode --mode inspect --environment debian:12-build",
            "  pyro host connect codex --repo-url /srv/git/app.git --repo-ref v1.2 --json"})
public final class HostConnectCommand extends ConnectingCommand {
}
