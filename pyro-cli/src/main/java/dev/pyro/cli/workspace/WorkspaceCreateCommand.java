package dev.pyro.cli.workspace;

import dev.pyro.cli.output.JsonFlag;
import dev.pyro.cli.output.CliProgress;
import dev.pyro.cli.output.JsonOutput;
import dev.pyro.api.PyroException;
import dev.pyro.api.Progress;
import dev.pyro.api.state.NetworkPolicy;
import dev.pyro.api.vm.VmLimits;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.workspace.SecretSpec;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.sdk.Pyro;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Create and start a workspace; /workspace is seeded from a directory or tar archive "
                + "(plain, gzip, zstd) and that content becomes the immutable baseline for diff and reset.")
final class WorkspaceCreateCommand implements Runnable {

    @Parameters(paramLabel = "ENVIRONMENT", description = "e.g. debian:12")
    String environment;

    @Option(names = "--seed-path", paramLabel = "PATH", description = "A host directory or tar archive for /workspace.")
    Path seedPath;

    @Option(names = "--name", paramLabel = "NAME", description = "A name (at most 120 characters).")
    String name;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label; repeatable.")
    List<String> labels = List.of();

    @Option(names = "--secret", paramLabel = "NAME=VALUE",
            description = "A secret, only ever in the guest (/run/pyro-secrets/NAME) and redacted from output; repeatable.")
    List<String> secrets = List.of();

    @Option(names = "--secret-file", paramLabel = "NAME=PATH", description = "A secret read from a host file; repeatable.")
    List<String> secretFiles = List.of();

    @Option(names = "--vcpu-count", paramLabel = "N", description = "vCPUs, 1-8 (default: ${DEFAULT-VALUE}).")
    int vcpuCount = VmLimits.DEFAULT_VCPU_COUNT;

    @Option(names = "--mem-mib", paramLabel = "MIB", description = "Memory, 256-32768 MiB (default: ${DEFAULT-VALUE}).")
    int memMib = VmLimits.DEFAULT_MEM_MIB;

    @Option(names = "--ttl-seconds", paramLabel = "S", description = "Lifetime, 60-3600 (default: ${DEFAULT-VALUE}).")
    int ttlSeconds = VmLimits.DEFAULT_TTL_SECONDS;

    @Option(names = "--network-policy", paramLabel = "POLICY",
            description = "off (default: no route out), egress (NAT out; the host itself stays unreachable), or "
                    + "egress+published-ports (also lets services publish ports on 127.0.0.1). Needs the vm backend "
                    + "and root.")
    String networkPolicy = NetworkPolicy.OFF.value();

    @Option(names = "--backend", paramLabel = "NAME", description = "auto (default), vm, gvisor, or host.")
    String backend;

    @Option(names = "--allow-host-compat", description = "Allow the host backend (NO isolation).")
    boolean allowHostCompat;

    @Option(names = "--id-only", description = "Print only the workspace id.")
    boolean idOnly;

    @Mixin
    JsonFlag json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        WorkspaceRequest request = new WorkspaceRequest(environment, vcpuCount, memMib, ttlSeconds, networkPolicy,
                allowHostCompat, backend, seedPath == null ? null : seedPath.toAbsolutePath(), name, labels(labels),
                secretSpecs());
        boolean quiet = json.json || idOnly;
        try (Pyro pyro = Pyro.create(); CliProgress bar = quiet ? null : CliProgress.forStderr("workspace")) {
            WorkspaceInfo ws = pyro.createWorkspace(request, bar == null ? Progress.NONE : bar);
            if (idOnly) {
                spec.commandLine().getOut().println(ws.workspaceId());
                spec.commandLine().getOut().flush();
            } else if (json.json) {
                JsonOutput.print(spec.commandLine().getOut(), ws);
            } else {
                WorkspaceView.print(spec.commandLine().getOut(), ws);
            }
        }
    }

    private List<SecretSpec> secretSpecs() {
        List<SecretSpec> specs = new java.util.ArrayList<>();
        pairs(secrets, "--secret").forEach((k, v) -> specs.add(SecretSpec.literal(k, v)));
        pairs(secretFiles, "--secret-file").forEach((k, v) ->
                specs.add(SecretSpec.file(k, Path.of(v).toAbsolutePath().toString())));
        return specs;
    }

    /** {@code KEY=VALUE} pairs; the value may contain '='. */
    static Map<String, String> labels(List<String> pairs) {
        return pairs(pairs, "--label");
    }

    static Map<String, String> pairs(List<String> pairs, String flag) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                // never echo the text: it may be a secret's value
                throw PyroException.invalid(flag + " must be NAME=VALUE");
            }
            result.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return result;
    }
}
