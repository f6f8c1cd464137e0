package dev.pyro.cli.workspace;

import picocli.CommandLine.Parameters;

/** Service commands: WORKSPACE_ID SERVICE_NAME, one payload. */
abstract class WorkspaceServiceIdCommand<T> extends WorkspaceIdCommand<T> {

    @Parameters(index = "1", paramLabel = "SERVICE_NAME")
    String serviceName;
}
