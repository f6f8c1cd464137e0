package dev.pyro.cli.host;

import java.util.List;
import picocli.CommandLine.Command;

/** {@code pyro host}: connect chat hosts to {@code pyro mcp serve}, check them and repair drift. */
@Command(name = "host", mixinStandardHelpOptions = true,
        description = {"Connect Claude Code, Codex and OpenCode to pyro's MCP server, print configs for other "
                + "MCP clients, check what each host has and repair drift.",
                "Every helper writes one canonical command: this launcher's absolute path, `mcp serve`, then "
                        + "the flags (--mode, --profile, --environment, project source)."},
        footerHeading = "%n",
        footer = {"Examples:",
            "  pyro host connect claude-code --mode cold-start",
            "  pyro host connect codex --mode repro-fix --project-path ~/src/app",
            "  pyro host connect opencode --mode inspect",
            "  pyro host print-config generic --mode repro-fix      # Claude Desktop, Cursor, ...",
            "  pyro host doctor --mode repro-fix",
            "  pyro host repair codex --mode repro-fix",
            "See docs/hosts.md."})
public final class HostCommand extends dev.pyro.cli.GroupCommand {
    @Override
    public List<Class<?>> subcommands() {
        return List.of(HostConnectCommand.class, HostPrintConfigCommand.class, HostDoctorCommand.class,
                HostRepairCommand.class);
    }
}
