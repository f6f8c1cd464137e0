package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.service.ServiceInfo;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a service: TERM to its process group, KILL after 5 s.")
final class WorkspaceServiceStopCommand extends WorkspaceServiceIdCommand<ServiceInfo> {
    @Override
    ServiceInfo call(Pyro pyro, String id) {
        return pyro.stopService(id, serviceName);
    }

    @Override
    void printHuman(PrintWriter out, ServiceInfo service) {
        ServiceView.print(out, service);
    }
}
