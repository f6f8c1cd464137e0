package dev.pyro.cli.workspace;

import dev.pyro.api.state.ExecutionMode;
import dev.pyro.cli.output.Fields;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.workspace.WorkspaceSeed;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.stream.Collectors;

/** Human rendering of one workspace (create, status, update, start, stop, reset share it). */
final class WorkspaceView {

    private WorkspaceView() {
    }

    static void print(PrintWriter out, WorkspaceInfo ws) {
        WorkspaceSeed seed = ws.workspaceSeed();
        Fields fields = new Fields()
                .add("Workspace", ws.workspaceId())
                .add("Name", ws.name())
                .add("Labels", ws.labels().isEmpty() ? "-" : ws.labels().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")))
                .add("State", ws.state() + (ws.lastError() == null ? "" : " (" + ws.lastError() + ")"))
                .add("Environment", ws.environment() + " " + ws.environmentVersion())
                .add("Backend", ws.backend() + " (" + ws.executionMode() + ("rootless".equals(ws.privilege()) ? ", rootless" : "") + ")")
                .add("Size", ws.vcpuCount() + " vCPU, " + ws.memMib() + " MiB")
                .add("Seed", seed.mode() + (seed.seedPath() == null ? "" : " " + seed.seedPath())
                        + " (" + seed.entryCount() + " entries, " + seed.bytesWritten() + " bytes)")
                .add("Secrets", ws.secrets().isEmpty() ? "-" : ws.secrets().stream()
                        .map(x -> x.name() + " (" + x.sourceKind() + ")").collect(Collectors.joining(", ")))
                .add("Commands", ws.commandCount() + (ws.lastCommand() == null ? ""
                        : " (last: #" + ws.lastCommand().sequence() + " exit " + ws.lastCommand().exitCode() + ")"))
                .add("Resets", ws.resetCount())
                .add("Expires", Instant.ofEpochMilli((long) (ws.expiresAt() * 1000)).toString());
        if (ws.workspaceReset() != null) {
            fields.add("Reset to", ws.workspaceReset().snapshotName() + " (" + ws.workspaceReset().entryCount()
                    + " entries)");
        }
        fields.print(out);
        if (ExecutionMode.HOST_COMPAT.is(ws.executionMode())) {
            out.println("Warning: this workspace runs on the host WITHOUT isolation (--allow-host-compat)");
            out.flush();
        }
    }
}
