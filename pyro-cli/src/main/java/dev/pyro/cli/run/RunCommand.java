package dev.pyro.cli.run;

import dev.pyro.api.state.ExecutionMode;
import dev.pyro.api.OutputListener;
import dev.pyro.cli.output.CliProgress;
import dev.pyro.cli.output.JsonOutput;
import dev.pyro.cli.output.Passthrough;
import dev.pyro.api.Progress;
import dev.pyro.api.vm.VmExecResult;
import dev.pyro.api.vm.VmLimits;
import dev.pyro.api.vm.VmRequest;
import dev.pyro.sdk.Pyro;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one command in a fresh sandbox and delete it afterwards (also on errors and Ctrl-C).",
                "Phase lines go to stderr, the command's output passes through, and pyro exits with the "
                        + "command's exit code. The first run builds the environment (~1 min; the vm backend "
                        + "also builds its kernel once, ~8 min)."},
        footerHeading = "%nExamples:%n",
        footer = {"  pyro run debian:12 -- git --version",
                "  pyro run debian:12 --network -- \"apt-get update\"",
                "  pyro run --allow-host-compat --backend host debian:12 -- uname -a"})
public final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ENVIRONMENT", description = "e.g. debian:12")
    String environment;

    @Parameters(index = "1..*", paramLabel = "COMMAND", arity = "1..*",
            description = "The command, after --. One token is a shell command line; several are quoted and joined.")
    List<String> command;

    @Option(names = "--vcpu-count", paramLabel = "N", description = "vCPUs, 1-8 (default: ${DEFAULT-VALUE}).")
    int vcpuCount = VmLimits.DEFAULT_VCPU_COUNT;

    @Option(names = "--mem-mib", paramLabel = "MIB", description = "Memory, 256-32768 MiB (default: ${DEFAULT-VALUE}).")
    int memMib = VmLimits.DEFAULT_MEM_MIB;

    @Option(names = "--timeout-seconds", paramLabel = "S", description = "Command timeout; exit 124 when hit (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = VmLimits.DEFAULT_TIMEOUT_SECONDS;

    @Option(names = "--ttl-seconds", paramLabel = "S", description = "Sandbox lifetime, 60-3600 (default: ${DEFAULT-VALUE}).")
    int ttlSeconds = VmLimits.DEFAULT_TTL_SECONDS;

    @Option(names = "--network", description = "Give the guest egress (as root: NAT through a TAP device; as an ordinary user: passt); the host's loopback stays unreachable (off by default: no route out).")
    boolean network;

    @Option(names = "--allow-host-compat", description = "Allow running on the host WITHOUT isolation when no sandbox can boot (or with --backend host).")
    boolean allowHostCompat;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "auto (default; or PYRO_BACKEND), vm, gvisor, or host (needs --allow-host-compat).")
    String backend;

    @Option(names = "--json", description = "Print the structured result instead of passing output through.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintStream err = System.err;
        VmRequest request = new VmRequest(environment, vcpuCount, memMib, ttlSeconds, network, allowHostCompat,
                backend);
        String shellCommand = ShellWords.join(command);
        try (Pyro pyro = Pyro.create(); CliProgress bar = json ? null : CliProgress.forStderr("run")) {
            Progress progress = bar == null ? Progress.NONE : bar;
            OutputListener passthrough = json ? OutputListener.NONE : Passthrough.toStandardStreams();
            VmExecResult result = pyro.runInVm(request, shellCommand, timeoutSeconds, progress, passthrough);
            if (json) {
                JsonOutput.print(spec.commandLine().getOut(), result);
            } else {
                err.println("[run] environment=" + result.environment() + " execution_mode=" + result.executionMode()
                        + " exit_code=" + result.exitCode() + " duration_ms=" + result.durationMs());
                if (ExecutionMode.HOST_COMPAT.is(result.executionMode())) {
                    err.println("[run] warning: ran on the host WITHOUT isolation (--allow-host-compat)");
                }
                err.flush();
            }
            return result.exitCode();
        }
    }
}
