package dev.pyro.cli.workspace;

import dev.pyro.api.Defaults;
import dev.pyro.api.workspace.disk.DiskPayloads;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "read", mixinStandardHelpOptions = true,
        description = "Print a regular file from a stopped workspace's disk, decoded as UTF-8.",
        footerHeading = "%nExample:%n",
        footer = {"  pyro workspace disk read \"$WORKSPACE_ID\" note.txt --content-only",
                "  pyro workspace disk read \"$WORKSPACE_ID\" /etc/os-release --max-bytes 200"})
final class WorkspaceDiskReadCommand extends WorkspaceIdCommand<DiskPayloads.DiskRead> {

    @Parameters(index = "1", paramLabel = "PATH",
            description = "Relative paths are under /workspace; absolute ones may be anywhere in the guest.")
    String path;

    @Option(names = "--max-bytes", paramLabel = "N",
            description = "At most this many bytes, up to 1048576 (default: ${DEFAULT-VALUE}).")
    int maxBytes = Defaults.DISK_READ_MAX_BYTES;

    @Option(names = "--content-only", description = "Print only the content, no summary line.")
    boolean contentOnly;

    @Override
    DiskPayloads.DiskRead call(Pyro pyro, String id) {
        return pyro.readWorkspaceDisk(id, path, maxBytes);
    }

    @Override
    void printHuman(PrintWriter out, DiskPayloads.DiskRead read) {
        out.print(read.content());
        if (contentOnly) {
            return;
        }
        if (!read.content().isEmpty() && !read.content().endsWith("\n")) {
            out.println();
        }
        out.println("[workspace-disk] path=" + read.path() + " size_bytes=" + read.sizeBytes()
                + (read.truncated() ? " truncated=yes (--max-bytes " + read.maxBytes() + ")" : ""));
    }
}
