package dev.pyro.cli.workspace;

import dev.pyro.cli.output.JsonFlag;
import dev.pyro.cli.output.JsonOutput;
import dev.pyro.sdk.Pyro;
import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The shape of commands that take one WORKSPACE_ID and print one payload. */
abstract class WorkspaceIdCommand<T> implements Runnable {

    @Parameters(index = "0", paramLabel = "WORKSPACE_ID")
    String workspaceId;

    @Mixin
    JsonFlag json;

    @Spec
    CommandSpec spec;

    abstract T call(Pyro pyro, String id);

    abstract void printHuman(PrintWriter out, T payload);

    @Override
    public void run() {
        try (Pyro pyro = Pyro.create()) {
            T payload = call(pyro, workspaceId);
            PrintWriter out = spec.commandLine().getOut();
            if (json.json) {
                JsonOutput.print(out, payload);
            } else {
                printHuman(out, payload);
                out.flush();
            }
        }
    }

}
