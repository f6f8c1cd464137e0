package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.files.WorkspaceFilePayloads;
import java.io.PrintWriter;
import java.util.List;

/** The human form of a file listing (live files and a stopped workspace's disk alike): {@code ls -l}-like lines. */
final class FileEntryView {

    private FileEntryView() {
    }

    static void print(PrintWriter out, List<WorkspaceFilePayloads.FileEntry> entries) {
        for (WorkspaceFilePayloads.FileEntry e : entries) {
            String type = switch (e.artifactType()) {
                case "directory" -> "d";
                case "symlink" -> "l";
                default -> "-";
            };
            out.println(String.format("%s %10d  %s%s", type, e.sizeBytes(), e.path(),
                    e.linkTarget() == null ? "" : " -> " + e.linkTarget()));
        }
        if (entries.isEmpty()) {
            out.println("(empty)");
        }
    }
}
