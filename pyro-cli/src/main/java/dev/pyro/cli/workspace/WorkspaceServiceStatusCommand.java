package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.service.ServiceInfo;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Show one service.")
final class WorkspaceServiceStatusCommand extends WorkspaceServiceIdCommand<ServiceInfo> {
    @Override
    ServiceInfo call(Pyro pyro, String id) {
        return pyro.statusService(id, serviceName);
    }

    @Override
    void printHuman(PrintWriter out, ServiceInfo service) {
        ServiceView.print(out, service);
    }
}
