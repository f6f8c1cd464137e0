package dev.pyro.cli.demo;

import dev.pyro.api.Defaults;
import dev.pyro.api.OutputListener;
import dev.pyro.cli.output.JsonOutput;
import dev.pyro.api.Progress;
import dev.pyro.api.vm.VmExecResult;
import dev.pyro.api.vm.VmRequest;
import dev.pyro.api.workspace.WorkspaceExecResult;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.sdk.Environments;
import dev.pyro.sdk.HostFiles;
import dev.pyro.sdk.Pyro;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pyro demo}: a short guided tour on real sandboxes. The one-shot proof of the spec
 * ({@code git --version} in a fresh sandbox, deleted afterwards), then the workspace loop a chat
 * agent lives in: fail, patch, pass, reset. {@code --json} prints the one-shot result only.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A short guided demo on a real sandbox: one command in a fresh sandbox that is deleted "
                + "afterwards, then a workspace that fails a check, is patched, passes, and is reset.",
                "It takes a few seconds once the environment is built (the first run builds it, ~1 min)."},
        footer = {"", "Examples:", "  pyro demo", "  pyro demo --json", "  pyro demo --network     "
                + "(the vm backend with guest networking)"})
public final class DemoCommand implements Callable<Integer> {

    static final String ONE_SHOT = "git --version";
    static final String NETWORK_PROBE = "awk '$2 == \"00000000\" {found = 1} END {exit !found}' /proc/net/route "
            + "&& echo 'default route: yes'";
    private static final String PATCH = "--- a/message.txt\n+++ b/message.txt\n@@ -1 +1 @@\n-broken\n+fixed\n";
    private static final String CHECK = "[ \"$(cat message.txt)\" = fixed ] && echo 'check: ok' || "
            + "{ echo \"check: expected fixed, got $(cat message.txt)\"; exit 1; }";

    @Option(names = "--environment", paramLabel = "ENV", description = "Environment to use (default: ${DEFAULT-VALUE}).")
    String environment = Defaults.ENVIRONMENT;

    @Option(names = "--network", description = "Run the one-shot step with guest networking and show the route out.")
    boolean network;

    @Option(names = "--backend", paramLabel = "NAME", description = "auto (default; or PYRO_BACKEND), vm or gvisor.")
    String backend;

    @Option(names = "--json", description = "Print the one-shot result (the spec's demo payload) and skip the tour.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Environments.requireKnown(environment);
        PrintWriter out = spec.commandLine().getOut();
        VmRequest request = VmRequest.defaults(environment).withNetwork(network).withBackend(backend);
        try (Pyro pyro = Pyro.create()) {
            String command = network ? NETWORK_PROBE : ONE_SHOT;
            if (!json) {
                step(out, "1/3", "one command in a fresh sandbox (pyro run " + environment
                        + (network ? " --network" : "") + " -- " + (network ? "<route check>" : command) + ")");
            }
            VmExecResult run = pyro.runInVm(request, command, 30, Progress.NONE, OutputListener.NONE);
            if (json) {
                JsonOutput.print(out, run);
                return run.exitCode();
            }
            out.print(indent(run.stdout()));
            out.println("      execution_mode=" + run.executionMode() + " exit_code=" + run.exitCode() + " duration_ms="
                    + run.durationMs() + "; sandbox deleted=" + run.cleanup().deleted());
            if (run.exitCode() != 0) {
                out.print(indent(run.stderr()));
                out.flush();
                return run.exitCode();
            }
            return workspaceLoop(pyro, out);
        }
    }

    private int workspaceLoop(Pyro pyro, PrintWriter out) throws IOException {
        step(out, "2/3", "a workspace an agent lives in: fail, patch, pass, reset");
        Path seed = Files.createTempDirectory("pyro-demo-seed-");
        String id;
        try {
            Files.writeString(seed.resolve("message.txt"), "broken\n");
            id = pyro.createWorkspace(WorkspaceRequest.defaults(environment)
                    .withBackend(backend == null ? Defaults.BACKEND : backend, false).withSeed(seed)
                    .withName("pyro-demo").withLabels(Map.of("demo", "pyro"))).workspaceId();
        } finally {
            HostFiles.deleteTree(seed);
        }
        try {
            out.println("      workspace " + id + " created from a seed with message.txt = broken");
            show(out, "exec", pyro.execWorkspace(id, CHECK, 30));
            out.println("      patch: message.txt broken -> fixed, changed="
                    + pyro.applyWorkspacePatch(id, PATCH).changed());
            WorkspaceExecResult pass = show(out, "exec", pyro.execWorkspace(id, CHECK, 30));
            pyro.resetWorkspace(id);
            out.println("      reset to the baseline: message.txt = "
                    + pyro.readWorkspaceFile(id, "message.txt", 1024).content().strip() + " again");
            step(out, "3/3", "next: pyro prepare " + environment + "; pyro host connect claude-code --mode repro-fix; "
                    + "docs/use-cases/");
            return pass.exitCode();
        } finally {
            pyro.deleteWorkspace(id);
            out.println("      workspace " + id + " deleted");
            out.flush();
        }
    }

    private static WorkspaceExecResult show(PrintWriter out, String what, WorkspaceExecResult r) {
        out.println("      " + what + " #" + r.sequence() + " exit_code=" + r.exitCode() + ": "
                + (r.stdout() + r.stderr()).strip());
        return r;
    }

    private static void step(PrintWriter out, String n, String text) {
        out.println("[demo] " + n + " " + text);
        out.flush();
    }

    private static String indent(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        return text.lines().map(l -> "      " + l + "\n").reduce("", String::concat);
    }
}
