package dev.pyro.cli.workspace;

import picocli.CommandLine.Parameters;

/** Shell commands: WORKSPACE_ID SHELL_ID, one payload. */
abstract class WorkspaceShellIdCommand<T> extends WorkspaceIdCommand<T> {

    @Parameters(index = "1", paramLabel = "SHELL_ID")
    String shellId;
}
