package dev.pyro.cli.workspace;

import dev.pyro.api.Defaults;
import dev.pyro.api.workspace.files.WorkspaceFilePayloads;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "read", mixinStandardHelpOptions = true, description = "Print a text file of /workspace.")
final class WorkspaceFileReadCommand extends WorkspaceIdCommand<WorkspaceFilePayloads.FileRead> {

    @Parameters(index = "1", paramLabel = "PATH")
    String path;

    @Option(names = "--max-bytes", paramLabel = "N", description = "At most this many bytes, up to 1048576 (default: ${DEFAULT-VALUE}).")
    int maxBytes = Defaults.FILE_READ_MAX_BYTES;

    @Option(names = "--content-only", description = "Print only the content, no summary line.")
    boolean contentOnly;

    @Override
    WorkspaceFilePayloads.FileRead call(Pyro pyro, String id) {
        return pyro.readWorkspaceFile(id, path, maxBytes);
    }

    @Override
    void printHuman(PrintWriter out, WorkspaceFilePayloads.FileRead read) {
        out.print(read.content());
        if (contentOnly) {
            return;
        }
        if (!read.content().isEmpty() && !read.content().endsWith("\n")) {
            out.println();
        }
        out.println("[workspace-file] path=" + read.path() + " size_bytes=" + read.sizeBytes()
                + (read.truncated() ? " truncated=yes (--max-bytes " + read.maxBytes() + ")" : ""));
    }
}
