package dev.pyro.cli.workspace;

import dev.pyro.api.workspace.shell.ShellInfo;
import java.io.PrintWriter;

/** The one-line human form of a shell. */
final class ShellView {

    private ShellView() {
    }

    static void print(PrintWriter out, ShellInfo shell, String what) {
        out.println("[workspace-shell] " + what + " shell_id=" + shell.shellId() + " state=" + shell.state()
                + (shell.exitCode() == null ? "" : " exit_code=" + shell.exitCode()));
    }
}
