package dev.pyro.engine.workspace;

import dev.pyro.api.OutputListener;
import dev.pyro.api.workspace.CommandEntry;
import dev.pyro.api.workspace.LastCommand;
import dev.pyro.api.workspace.WorkspaceExecResult;
import dev.pyro.api.workspace.WorkspaceLogs;
import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.Sandboxes;
import dev.pyro.engine.guest.ExecOutcome;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.ids.WorkspaceId;
import dev.pyro.api.vm.VmLimits;
import dev.pyro.protocol.AgentConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Commands in a started workspace and their journal ({@code workspace exec}, {@code workspace logs}). */
final class WorkspaceCommands {

    private final WorkspaceContext context;

    WorkspaceCommands(WorkspaceContext context) {
        this.context = context;
    }

    /**
     * Runs a command in {@code /workspace}. {@code secretEnv} maps secret names to variable names.
     * With secrets in the workspace, output is not streamed live: it is redacted whole first, so a
     * value split across two chunks cannot slip through.
     */
    WorkspaceExecResult exec(String id, String command, int timeoutSeconds, Map<String, String> secretEnv,
                             OutputListener listener) {
        VmLimits.validateTimeout(timeoutSeconds);
        WorkspaceRecord record = context.requireStarted(id, "workspace_exec");
        Path dir = context.store().dir(WorkspaceId.of(id));
        Map<String, String> env = WorkspaceSecrets.environment(dir, record.secretList(), secretEnv);
        List<String> secretValues = WorkspaceSecrets.values(dir, record.secretList());
        String cwd = Sandboxes.workspaceDir(record.sandbox());
        AgentConnection agent = context.agent(record);
        if (!env.isEmpty()) {
            try {
                WorkspaceSecrets.install(agent, dir, record.secretList()); // the guest may have restarted
            } catch (IOException e) {
                throw PyroException.runtime("installing the workspace's secrets failed", e);
            }
        }
        ExecOutcome raw = GuestExec.run(agent, command, cwd, env, timeoutSeconds,
                secretValues.isEmpty() ? listener : OutputListener.NONE);
        ExecOutcome outcome = secretValues.isEmpty() ? raw : new ExecOutcome(
                WorkspaceSecrets.redact(raw.stdout(), secretValues), WorkspaceSecrets.redact(raw.stderr(), secretValues),
                raw.exitCode(), raw.durationMs(), raw.timedOut(), raw.truncated());
        if (!secretValues.isEmpty()) {
            listener.stdout(outcome.stdout().getBytes(StandardCharsets.UTF_8));
            listener.stderr(outcome.stderr().getBytes(StandardCharsets.UTF_8));
        }
        String journalCommand = WorkspaceSecrets.redact(command, secretValues);
        int[] sequence = {0};
        WorkspaceRecord updated = context.mutate(id, b -> {
            sequence[0] = b.commandCount + 1;
            b.commandCount = sequence[0];
            b.lastCommand = new LastCommand(sequence[0], journalCommand, dev.pyro.api.Defaults.WORKSPACE_PATH, outcome.exitCode(),
                    outcome.durationMs(), record.executionMode());
            b.lastActivityAt = context.clock().getAsDouble();
            String base = String.format("%06d", sequence[0]);
            new CommandJournal(context.store().dir(WorkspaceId.of(id))).append(new CommandEntry(sequence[0],
                    journalCommand, dev.pyro.api.Defaults.WORKSPACE_PATH, outcome.exitCode(), outcome.durationMs(),
                    record.executionMode(), base + ".stdout", base + ".stderr", b.lastActivityAt, null, null),
                    outcome.stdout(), outcome.stderr());
        });
        return new WorkspaceExecResult(id, updated.environment(), updated.environmentVersion(), journalCommand,
                outcome.stdout(), outcome.stderr(), outcome.exitCode(), outcome.durationMs(),
                updated.executionMode(), sequence[0], dev.pyro.api.Defaults.WORKSPACE_PATH);
    }

    WorkspaceLogs logs(String id) {
        context.live(id);
        List<CommandEntry> entries = new CommandJournal(context.store().dir(WorkspaceId.of(id))).read();
        return new WorkspaceLogs(id, entries.size(), entries);
    }
}
