package dev.pyro.examples;

import dev.pyro.api.workspace.WorkspaceExecResult;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.sdk.Pyro;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The workspace loop an agent lives in: seed, run, fail, patch, rerun, checkpoint, diff, export,
 * reset, delete. Run it with a seed directory holding {@code message.txt} ("broken") or let it
 * make one.
 */
public final class WorkspaceLoop {

    static final String PATCH = "--- a/message.txt\n+++ b/message.txt\n@@ -1 +1 @@\n-broken\n+fixed\n";

    private WorkspaceLoop() {
    }

    public static void main(String[] args) throws IOException {
        Path work = Files.createTempDirectory("pyro-example-");
        try (Pyro pyro = Pyro.create()) {
            run(pyro, "debian:12", work, System.out);
        }
    }

    /** The loop in {@code environment}; the seed and the exported file live under {@code work}. */
    public static String run(Pyro pyro, String environment, Path work, PrintStream out) throws IOException {
        Path seed = Files.createDirectories(work.resolve("seed"));
        Files.writeString(seed.resolve("message.txt"), "broken\n");
        Files.writeString(seed.resolve("check.sh"), "[ \"$(cat message.txt)\" = fixed ] && echo ok\n");

        WorkspaceInfo ws = pyro.createWorkspace(WorkspaceRequest.defaults(environment)
                .withSeed(seed).withName("example-loop").withLabels(Map.of("example", "workspace-loop")));
        String id = ws.workspaceId();
        try {
            WorkspaceExecResult before = pyro.execWorkspace(id, "sh check.sh", 30);
            out.println("before the fix: exit " + before.exitCode());

            pyro.applyWorkspacePatch(id, PATCH);
            WorkspaceExecResult after = pyro.execWorkspace(id, "sh check.sh", 30);
            out.println("after the fix:  exit " + after.exitCode() + ", " + after.stdout().strip());

            pyro.createSnapshot(id, "fixed");
            pyro.writeWorkspaceFile(id, "message.txt", "oops\n");
            pyro.resetWorkspace(id, "fixed");   // back to the checkpoint: the bad write is gone

            out.print(pyro.diffWorkspace(id).patch());
            Path exported = work.resolve("out/message.txt");
            pyro.exportWorkspace(id, "message.txt", exported, false);
            out.println("exported " + exported + ": " + Files.readString(exported).strip());
            out.println("commands run: " + pyro.summarizeWorkspace(id).commands().count());
            return Files.readString(exported);
        } finally {
            pyro.deleteWorkspace(id);
        }
    }
}
