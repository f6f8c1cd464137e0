package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.CommandEntry;
import dev.pyro.api.workspace.WorkspaceLogs;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "The command journal since the last reset: sequence, exit code, duration, command, output excerpt.")
final class WorkspaceLogsCommand extends WorkspaceIdCommand<WorkspaceLogs> {

    private static final int EXCERPT_LINES = 5;

    @Override
    WorkspaceLogs call(Pyro pyro, String id) {
        return pyro.logsWorkspace(id);
    }

    @Override
    void printHuman(PrintWriter out, WorkspaceLogs logs) {
        if (logs.count() == 0) {
            out.println("No commands yet.");
            return;
        }
        for (CommandEntry e : logs.entries()) {
            out.println(String.format("#%-3d exit=%-3d %6d ms  %s", e.sequence(), e.exitCode(), e.durationMs(),
                    e.command()));
            excerpt(out, e.stdout(), "  | ");
            excerpt(out, e.stderr(), "  ! ");
        }
    }

    private static void excerpt(PrintWriter out, String text, String prefix) {
        if (text == null || text.isEmpty()) {
            return;
        }
        String[] lines = text.split("\n", -1);
        int shown = Math.min(EXCERPT_LINES, lines.length - (text.endsWith("\n") ? 1 : 0));
        for (int i = 0; i < shown; i++) {
            out.println(prefix + lines[i]);
        }
        int rest = lines.length - (text.endsWith("\n") ? 1 : 0) - shown;
        if (rest > 0) {
            out.println(prefix + "... (" + rest + " more lines)");
        }
    }
}
