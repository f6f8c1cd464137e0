package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.files.WorkspaceFilePayloads;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List a directory of /workspace (symlinks are not followed).")
final class WorkspaceFileListCommand extends WorkspaceIdCommand<WorkspaceFilePayloads.FileList> {

    @Parameters(index = "1", paramLabel = "PATH", arity = "0..1", description = "Default: /workspace.")
    String path;

    @Option(names = "--recursive", description = "Descend into subdirectories.")
    boolean recursive;

    @Override
    WorkspaceFilePayloads.FileList call(Pyro pyro, String id) {
        return pyro.listWorkspaceFiles(id, path, recursive);
    }

    @Override
    void printHuman(PrintWriter out, WorkspaceFilePayloads.FileList list) {
        FileEntryView.print(out, list.entries());
    }
}
