package dev.pyro.cli.workspace;

import dev.pyro.api.state.ServiceState;

import dev.pyro.api.Defaults;
import dev.pyro.cli.run.ShellWords;
import dev.pyro.api.PyroException;
import dev.pyro.api.workspace.service.Readiness;
import dev.pyro.api.workspace.service.ServiceInfo;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import dev.pyro.api.workspace.service.PublishedPortRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Start a service and wait until it is ready (at most one readiness check). Its output goes to "
                + "logs outside /workspace; pyro exits 1 when it failed.")
final class WorkspaceServiceStartCommand extends WorkspaceIdCommand<ServiceInfo> implements Callable<Integer> {

    @Parameters(index = "1", paramLabel = "SERVICE_NAME")
    String name;

    @Parameters(index = "2..*", paramLabel = "COMMAND", arity = "1..*", description = "The command, after --.")
    List<String> command;

    @Option(names = "--cwd", paramLabel = "PATH", description = "Working directory inside /workspace.")
    String cwd;

    @Option(names = "--ready-file", paramLabel = "PATH", description = "Ready when this path exists.")
    String readyFile;

    @Option(names = "--ready-tcp", paramLabel = "HOST:PORT", description = "Ready when this guest address accepts TCP.")
    String readyTcp;

    @Option(names = "--ready-http", paramLabel = "URL", description = "Ready when a GET answers 200-399.")
    String readyHttp;

    @Option(names = "--ready-command", paramLabel = "CMD", description = "Ready when this command exits 0.")
    String readyCommand;

    @Option(names = "--ready-timeout-seconds", paramLabel = "S", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
    int readyTimeoutSeconds = Defaults.SERVICE_READY_TIMEOUT_SECONDS;

    @Option(names = "--ready-interval-ms", paramLabel = "MS", description = "Check this often (default: ${DEFAULT-VALUE}).")
    int readyIntervalMs = Defaults.SERVICE_READY_INTERVAL_MS;

    @Option(names = "--secret-env", paramLabel = "SECRET[=ENV_VAR]", description = "Pass a workspace secret; repeatable.")
    List<String> secretEnv = List.of();

    @Option(names = "--publish", paramLabel = "[HOST:]GUEST", description = "Publish a guest port on 127.0.0.1: GUEST or HOST:GUEST (HOST 1025-65535; without "
                    + "it a free port is picked and reported). Needs network policy egress+published-ports; repeatable.")
    List<String> publish = List.of();

    private ServiceInfo result;

    @Override
    public Integer call() {
        run();
        return result != null && ServiceState.FAILED.is(result.state()) ? 1 : 0;
    }

    @Override
    ServiceInfo call(Pyro pyro, String id) {
        List<Readiness> checks = new java.util.ArrayList<>();
        if (readyFile != null) {
            checks.add(Readiness.file(readyFile));
        }
        if (readyTcp != null) {
            checks.add(Readiness.tcp(readyTcp));
        }
        if (readyHttp != null) {
            checks.add(Readiness.http(readyHttp));
        }
        if (readyCommand != null) {
            checks.add(Readiness.command(readyCommand));
        }
        if (checks.size() > 1) {
            throw PyroException.invalid("give at most one of --ready-file, --ready-tcp, --ready-http, --ready-command");
        }
        List<PublishedPortRequest> ports = publish.stream().map(PublishedPortRequest::parse).toList();
        Map<String, String> env = SecretEnv.parse(secretEnv);
        result = pyro.startService(id, name, ShellWords.join(command), cwd, checks.isEmpty() ? null : checks.get(0),
                readyTimeoutSeconds, readyIntervalMs, env, ports);
        return result;
    }

    @Override
    void printHuman(PrintWriter out, ServiceInfo service) {
        ServiceView.print(out, service);
    }
}
