package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.disk.DiskPayloads;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List a directory of a stopped workspace's disk (symlinks are not followed).",
        footerHeading = "%nExample:%n",
        footer = {"  pyro workspace disk list \"$WORKSPACE_ID\" src --recursive",
                "  pyro workspace disk list \"$WORKSPACE_ID\" /etc/apt"})
final class WorkspaceDiskListCommand extends WorkspaceIdCommand<DiskPayloads.DiskList> {

    @Parameters(index = "1", paramLabel = "PATH", arity = "0..1",
            description = "Default: /workspace. Relative paths are under /workspace; absolute ones may be anywhere in the guest.")
    String path;

    @Option(names = "--recursive", description = "Descend into subdirectories.")
    boolean recursive;

    @Override
    DiskPayloads.DiskList call(Pyro pyro, String id) {
        return pyro.listWorkspaceDisk(id, path, recursive);
    }

    @Override
    void printHuman(PrintWriter out, DiskPayloads.DiskList list) {
        FileEntryView.print(out, list.entries());
    }
}
