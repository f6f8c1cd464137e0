package dev.pyro.engine.workspace;

import dev.pyro.api.PyroException;
import dev.pyro.api.state.WorkspaceState;
import dev.pyro.api.ids.WorkspaceId;
import dev.pyro.api.workspace.CommandEntry;
import dev.pyro.api.workspace.WorkspaceSummary;
import dev.pyro.api.workspace.review.DiffPayload;
import dev.pyro.protocol.ErrorText;
import java.util.List;
import java.util.Map;

/** Builds the public {@link WorkspaceSummary} from a workspace's record, journal and review events. */
final class WorkspaceSummaries {

    private WorkspaceSummaries() {
    }

    static WorkspaceSummary build(WorkspaceRecord record, List<CommandEntry> journal, List<ReviewEvents.Event> events,
                                  DiffPayload diff, String diffUnavailable, int namedSnapshots) {
        double since = record.lastResetAt() == null ? 0 : record.lastResetAt();
        List<ReviewEvents.Event> recent = events.stream().filter(e -> e.recordedAt() >= since).toList();
        List<WorkspaceSummary.Command> commands = journal.stream()
                .map(c -> new WorkspaceSummary.Command(c.sequence(), c.command(), c.exitCode(), c.durationMs())).toList();
        int failed = (int) commands.stream().filter(c -> c.exitCode() != 0).count();
        WorkspaceSummary.Changes changes = diff == null ? new WorkspaceSummary.Changes(false, null, List.of(), diffUnavailable)
                : new WorkspaceSummary.Changes(true, diff.summary(), diff.entries().stream()
                        .map(e -> ReviewEvents.detail("path", e.path(), "status", e.status().name().toLowerCase(java.util.Locale.ROOT)))
                        .toList(), null);
        return new WorkspaceSummary(record.workspaceId(), record.name(), record.state(), record.environment(),
                record.resetCount(), record.lastResetAt(), new WorkspaceSummary.Commands(commands.size(), failed, commands), changes,
                new WorkspaceSummary.Edits(detail(recent, "file_write"), detail(recent, "patch")), detail(recent, "sync"),
                new WorkspaceSummary.Artifacts(detail(recent, "export")), new WorkspaceSummary.Snapshots(namedSnapshots));
    }

    private static List<Map<String, Object>> detail(List<ReviewEvents.Event> events, String kind) {
        return events.stream().filter(e -> e.kind().equals(kind)).map(ReviewEvents.Event::detail).toList();
    }

    static WorkspaceSummary of(WorkspaceContext context, WorkspaceFiles files, String id) {
        WorkspaceRecord record = context.live(id);
        DiffPayload diff = null;
        String reason = null;
        if (WorkspaceState.STARTED.is(record.state())) {
            try {
                diff = files.diff(id);
            } catch (PyroException e) {
                reason = ErrorText.of(e);
            }
        } else {
            reason = "the workspace is " + record.state();
        }
        return build(record, new CommandJournal(context.store().dir(WorkspaceId.of(id))).read(),
                new ReviewEvents(context.store().dir(WorkspaceId.of(id))).read(), diff, reason,
                new WorkspaceSnapshots(context).list(id).count() - 1);
    }
}
