package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.files.WorkspaceFilePayloads;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Copy a file or directory of /workspace to a host path that must not exist yet.")
final class WorkspaceExportCommand extends WorkspaceIdCommand<WorkspaceFilePayloads.Export> {

    @Parameters(index = "1", paramLabel = "PATH")
    String path;

    @Option(names = "--output", paramLabel = "HOST_PATH", required = true, description = "Where to put it on the host.")
    Path output;

    @Option(names = "--overwrite", description = "Replace an existing host path.")
    boolean overwrite;

    @Override
    WorkspaceFilePayloads.Export call(Pyro pyro, String id) {
        return pyro.exportWorkspace(id, path, output, overwrite);
    }

    @Override
    void printHuman(PrintWriter out, WorkspaceFilePayloads.Export export) {
        out.println("Exported " + export.artifactType() + " " + export.workspacePath() + " -> " + export.outputPath()
                + " (" + export.entryCount() + " entries, " + export.bytesWritten() + " bytes)");
    }
}
