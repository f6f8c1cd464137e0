package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.disk.DiskPayloads;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a stopped workspace's root file system to a new host file as a raw ext4 image (sparse).",
        footerHeading = "%nExample:%n",
        footer = {"  pyro workspace disk export \"$WORKSPACE_ID\" --output ./workspace.ext4",
                "  debugfs -R 'ls -l /workspace' ./workspace.ext4"})
final class WorkspaceDiskExportCommand extends WorkspaceIdCommand<DiskPayloads.DiskExport> {

    @Option(names = "--output", paramLabel = "HOST_PATH", required = true, description = "The image file; must not exist yet.")
    Path output;

    @Override
    DiskPayloads.DiskExport call(Pyro pyro, String id) {
        return pyro.exportWorkspaceDisk(id, output);
    }

    @Override
    void printHuman(PrintWriter out, DiskPayloads.DiskExport export) {
        out.println("Exported the disk of workspace " + export.workspaceId() + " -> " + export.outputPath()
                + " (" + export.diskFormat() + ", " + export.bytesWritten() + " bytes)");
    }
}
