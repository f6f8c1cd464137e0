package dev.pyro.cli.workspace;

import dev.pyro.api.Defaults;
import dev.pyro.api.workspace.shell.ShellInfo;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "read", mixinStandardHelpOptions = true,
        description = "Print a shell's output from a cursor; the next cursor goes to stderr.")
final class WorkspaceShellReadCommand extends WorkspaceShellIdCommand<ShellInfo> {

    @Option(names = "--cursor", paramLabel = "N", description = "Where to start (default: 0, the beginning).")
    int cursor;

    @Option(names = "--max-chars", paramLabel = "N", description = "At most this many characters (default: ${DEFAULT-VALUE}).")
    int maxChars = Defaults.SHELL_READ_MAX_CHARS;

    @Option(names = "--plain", description = "Render for chat: escape sequences dropped, \\r and backspaces applied.")
    boolean plain;

    @Option(names = "--wait-for-idle-ms", paramLabel = "MS", description = "First wait until the shell has been quiet this long (300 is a good value).")
    Integer waitForIdleMs;

    @Override
    ShellInfo call(Pyro pyro, String id) {
        return pyro.readShell(id, shellId, cursor, maxChars, plain, waitForIdleMs);
    }

    @Override
    void printHuman(PrintWriter out, ShellInfo read) {
        out.print(read.output());
        out.flush();
        System.err.println("[workspace-shell] next_cursor=" + read.nextCursor() + " state=" + read.state()
                + (read.truncated() ? " truncated=yes" : ""));
    }
}
