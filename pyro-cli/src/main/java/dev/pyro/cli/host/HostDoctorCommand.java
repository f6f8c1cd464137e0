package dev.pyro.cli.host;

import dev.pyro.cli.output.JsonFlag;
import dev.pyro.cli.output.JsonOutput;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "doctor", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check each chat host (claude-code, codex, opencode): installed? a pyro entry? does it "
                + "run the canonical command the flags select?",
                "Status: ok, drifted (a pyro entry that differs), missing (no entry) or unavailable (host not "
                        + "installed). Each drifted or missing host gets the repair command."},
        footerHeading = "%n",
        footer = {"Examples:",
            "  pyro host doctor",
            "  pyro host doctor --mode repro-fix --json",
            "  pyro host doctor --config-path ~/work/opencode.json"})
public final class HostDoctorCommand implements Runnable {

    @Mixin
    ServerFlags server;

    @Option(names = "--config-path", paramLabel = "PATH", order = 20,
            description = "OpenCode config file to check (default: OpenCode's global config file).")
    String configPath;

    @Mixin
    JsonFlag json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        ServerCommand expected = server.serverCommand();
        Path openCodeConfig = configPath == null ? null : HostPaths.expand(configPath);
        List<HostCheck> checks = new ArrayList<>();
        for (String name : ChatHost.NAMES) {
            HostCheck check = ChatHost.named(name, openCodeConfig).check(expected);
            boolean fixable = check.installed() || name.equals(OpenCodeHost.NAME);
            checks.add(check.withRepairCommand(fixable ? repairCommand(name, expected) : null));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json.json) {
            JsonOutput.print(out, checks);
            return;
        }
        out.println("Expected: " + HostPaths.shell(expected.argv()));
        int width = ChatHost.NAMES.stream().mapToInt(String::length).max().orElse(0) + 2;
        int statusWidth = HostCheck.UNAVAILABLE.length() + 2;
        for (HostCheck check : checks) {
            out.println(String.format("%-" + width + "s%-" + statusWidth + "s%s", check.host(), check.status(),
                    check.details()));
            if (!check.ok() && check.repairCommand() != null) {
                out.println(" ".repeat(width + statusWidth) + "fix: " + check.repairCommand());
            }
        }
        out.flush();
    }

    private String repairCommand(String host, ServerCommand expected) {
        List<String> argv = new ArrayList<>(expected.launcher());
        argv.addAll(List.of("host", "repair", host));
        argv.addAll(expected.helperFlags());
        if (host.equals(OpenCodeHost.NAME) && configPath != null) {
            argv.addAll(List.of("--config-path", HostPaths.expand(configPath).toString()));
        }
        return HostPaths.shell(argv);
    }
}
