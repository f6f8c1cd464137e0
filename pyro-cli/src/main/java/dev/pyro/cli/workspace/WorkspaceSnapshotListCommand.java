package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.Snapshot;
import dev.pyro.api.workspace.SnapshotListing;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "list", mixinStandardHelpOptions = true, description = "The baseline, then named snapshots, newest first.")
final class WorkspaceSnapshotListCommand extends WorkspaceIdCommand<SnapshotListing> {

    @Override
    SnapshotListing call(Pyro pyro, String id) {
        return pyro.listSnapshots(id);
    }

    @Override
    void printHuman(PrintWriter out, SnapshotListing listing) {
        for (Snapshot s : listing.snapshots()) {
            out.println(String.format("%-20s  %-8s  %6d entries  %10d bytes", s.snapshotName(), s.kind(),
                    s.entryCount(), s.bytesWritten()));
        }
    }
}
