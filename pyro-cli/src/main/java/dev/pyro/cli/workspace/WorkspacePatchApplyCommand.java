package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.review.PatchApplyPayload;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Apply a unified diff (add, modify, delete text files). Every hunk is checked first: "
                + "if any context does not match, no file changes and the failing hunk is named.")
final class WorkspacePatchApplyCommand extends WorkspaceIdCommand<PatchApplyPayload> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    PatchSource source;

    static final class PatchSource {
        @Option(names = "--patch", paramLabel = "TEXT", description = "The patch text.")
        String text;

        @Option(names = "--patch-file", paramLabel = "HOSTPATH", description = "Read the patch from a host file (UTF-8).")
        Path file;
    }

    @Override
    PatchApplyPayload call(Pyro pyro, String id) {
        return pyro.applyWorkspacePatch(id, source.text != null ? source.text
                : WorkspaceFileWriteCommand.readText(source.file, "--patch-file"));
    }

    @Override
    void printHuman(PrintWriter out, PatchApplyPayload result) {
        out.println("[workspace-patch] changed=" + (result.changed() ? "yes" : "no") + " added="
                + result.summary().added() + " modified=" + result.summary().modified() + " deleted="
                + result.summary().deleted());
        result.entries().forEach(e -> out.println("  " + e.status().toString().toLowerCase(java.util.Locale.ROOT) + "  " + e.path()));
    }
}
