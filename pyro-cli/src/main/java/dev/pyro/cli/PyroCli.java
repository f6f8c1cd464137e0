package dev.pyro.cli;

import dev.pyro.cli.doctor.DoctorCommand;
import dev.pyro.cli.demo.DemoCommand;
import dev.pyro.cli.prepare.PrepareCommand;
import dev.pyro.cli.env.EnvCommand;
import dev.pyro.cli.host.HostCommand;
import dev.pyro.cli.mcp.McpCommand;
import dev.pyro.cli.run.RunCommand;
import dev.pyro.cli.workspace.WorkspaceCommand;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pyro}: the command line face of Pyro. */
@Command(name = "pyro",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = PyroVersion.class,
        description = "Disposable, isolated Linux workspaces for chat-based coding agents: validate the host, "
                + "manage environments, and run commands in real sandboxes (QEMU microVMs or gVisor).",
        footerHeading = "%n",
        footer = {
            "Suggested zero-to-hero path:",
            "  pyro doctor --environment debian:12       validate the host (Runtime: PASS)",
            "  pyro env pull debian:12                   build the environment once (~1 min)",
            "  pyro run debian:12 -- git --version       one command in a fresh sandbox",
            "  pyro workspace create debian:12 --seed-path ./repo   a workspace to live in",
            "  pyro prepare debian:12                    warm the daily loop (doctor: WARM)",
            "  pyro mcp serve --mode repro-fix           MCP server for chat hosts (stdio)",
            "  pyro host connect claude-code --mode cold-start   connect a chat host",
            "",
            "Every command takes --json for programs; errors name the field and the fix."})
public final class PyroCli extends GroupCommand {
    @Override
    public List<Class<?>> subcommands() {
        return List.of(DemoCommand.class, DoctorCommand.class, PrepareCommand.class, EnvCommand.class,
                RunCommand.class, WorkspaceCommand.class, McpCommand.class, HostCommand.class);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        CommandLine cli = CommandTree.build(new PyroCli(), args);
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setParameterExceptionHandler(new ErrorHandler.Usage());
        return cli.execute(args);
    }
}
