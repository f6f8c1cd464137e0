package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.WorkspaceSummary;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "One concise review of the session since the last reset: commands, edits, syncs, exports, changes.")
final class WorkspaceSummaryCommand extends WorkspaceIdCommand<WorkspaceSummary> {
    @Override
    WorkspaceSummary call(Pyro pyro, String id) {
        return pyro.summarizeWorkspace(id);
    }

    @Override
    void printHuman(PrintWriter out, WorkspaceSummary s) {
        out.println("Workspace " + s.workspaceId() + (s.name() == null ? "" : " (" + dev.pyro.cli.output.Printable.of(s.name()) + ")") + ": " + s.state()
                + ", " + s.environment() + ", resets: " + s.resetCount());
        out.println("Commands: " + s.commands().count() + " (" + s.commands().failed() + " failed)");
        s.commands().entries().forEach(c -> out.println("  #" + c.sequence() + " exit=" + c.exitCode() + "  " + c.command()));
        if (s.changes().available()) {
            out.println("Changes: " + s.changes().entries().size());
            s.changes().entries().forEach(e -> out.println("  " + e.get("status") + "  " + e.get("path")));
        } else {
            out.println("Changes: unavailable (" + s.changes().reason() + ")");
        }
        out.println("Edits: " + s.edits().fileWrites().size() + " file writes, " + s.edits().patches().size() + " patches");
        s.syncs().forEach(e -> out.println("Sync: " + e.get("source_path") + " -> " + e.get("destination")));
        s.artifacts().exports().forEach(e -> out.println("Export: " + e.get("workspace_path") + " -> " + e.get("output_path")));
    }

}
