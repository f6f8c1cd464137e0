package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.review.DiffPayload;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "diff", mixinStandardHelpOptions = true,
        description = "What changed in /workspace since the create-time baseline: a unified patch for text files, "
                + "a marker for binary ones and for files too large for a text patch (over 1 MiB).")
final class WorkspaceDiffCommand extends WorkspaceIdCommand<DiffPayload> {
    @Override
    DiffPayload call(Pyro pyro, String id) {
        return pyro.diffWorkspace(id);
    }

    @Override
    void printHuman(PrintWriter out, DiffPayload diff) {
        if (!diff.changed()) {
            out.println("No changes since the baseline.");
            return;
        }
        out.print(diff.patch());
        diff.entries().stream().filter(e -> e.textPatch() == null || e.textPatch().isEmpty())
                .forEach(e -> out.println("[workspace-diff] " + e.status().name().toLowerCase(java.util.Locale.ROOT) + " " + e.artifactType() + " " + e.path()
                        + (e.binary() ? " (binary)" : e.tooLarge() ? " (too large for a text patch)" : "")));
        out.println("[workspace-diff] total=" + diff.summary().total() + " added=" + diff.summary().added()
                + " modified=" + diff.summary().modified() + " deleted=" + diff.summary().deleted());
    }
}
