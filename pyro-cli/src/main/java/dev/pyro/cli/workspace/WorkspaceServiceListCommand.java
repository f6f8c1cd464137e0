package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.service.ServiceInfo;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List a workspace's services.")
final class WorkspaceServiceListCommand extends WorkspaceIdCommand<ServiceInfo.Listing> {
    @Override
    ServiceInfo.Listing call(Pyro pyro, String id) {
        return pyro.listServices(id);
    }

    @Override
    void printHuman(PrintWriter out, ServiceInfo.Listing listing) {
        if (listing.count() == 0) {
            out.println("No services.");
        }
        listing.services().forEach(s -> ServiceView.print(out, s));
    }
}
