package dev.pyro.cli.workspace;

import dev.pyro.api.Defaults;
import dev.pyro.api.workspace.service.ServiceInfo;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "logs", mixinStandardHelpOptions = true, description = "A service's stdout, then stderr (last lines).")
final class WorkspaceServiceLogsCommand extends WorkspaceServiceIdCommand<ServiceInfo> {

    @Option(names = "--tail-lines", paramLabel = "N", description = "Lines per stream (default: ${DEFAULT-VALUE}).")
    int tailLines = Defaults.SERVICE_TAIL_LINES;

    @Option(names = "--all", description = "Every line.")
    boolean all;

    @Override
    ServiceInfo call(Pyro pyro, String id) {
        return pyro.logsService(id, serviceName, all ? null : tailLines);
    }

    @Override
    void printHuman(PrintWriter out, ServiceInfo logs) {
        out.print(logs.stdout());
        if (!logs.stderr().isEmpty()) {
            out.println("--- stderr ---");
            out.print(logs.stderr());
        }
        if (logs.truncated()) {
            out.println("[workspace-service] showing the last " + logs.tailLines() + " lines (--all for everything)");
        }
    }
}
