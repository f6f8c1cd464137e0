package dev.pyro.cli.host;

import picocli.CommandLine.Command;

@Command(name = "repair", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fix drift in a chat host's pyro entry: replace it with the canonical command.",
                "claude-code and codex: removes and re-adds the entry with the host's CLI. opencode: rewrites "
                        + "mcp.pyro in opencode.json; an unreadable file is kept as NAME.bak-TIMESTAMP and "
                        + "replaced.",
                "Pass the same flags as `pyro host doctor` (it prints this command for each drifted host)."},
        footerHeading = "%n",
        footer = {"Examples:",
            "  pyro host repair claude-code --mode cold-start",
            "  pyro host repair opencode --mode repro-fix --config-path ~/work/opencode.json"})
public final class HostRepairCommand extends ConnectingCommand {
}
