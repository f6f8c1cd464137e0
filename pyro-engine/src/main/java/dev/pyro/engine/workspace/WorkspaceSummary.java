package dev.pyro.engine.workspace;

import dev.pyro.api.state.WorkspaceState;
import dev.pyro.engine.ids.WorkspaceId;
import dev.pyro.engine.PyroException;
import dev.pyro.engine.workspace.review.DiffPayload;
import dev.pyro.protocol.ErrorText;
import java.util.List;
import java.util.Map;

/**
 * {@code workspace summary}: one concise review of what happened since the last reset, to paste into
 * a chat, bug report or PR: commands, file edits, patches, syncs, exports and the current diff.
 */
public record WorkspaceSummary(
        String workspaceId,
        String name,
        String state,
        String environment,
        int resetCount,
        Double lastResetAt,
        Commands commands,
        Changes changes,
        Edits edits,
        List<Map<String, Object>> syncs,
        Artifacts artifacts,
        Snapshots snapshots) {

    public record Commands(int count, int failed, List<Command> entries) {
    }

    public record Command(int sequence, String command, int exitCode, long durationMs) {
    }

    /** {@code available} is false when the diff could not be computed (e.g. the workspace is stopped). */
    public record Changes(boolean available, Object summary, List<Map<String, Object>> entries, String reason) {
    }

    public record Edits(List<Map<String, Object>> fileWrites, List<Map<String, Object>> patches) {
    }

    public record Artifacts(List<Map<String, Object>> exports) {
    }

    public record Snapshots(int namedCount) {
    }

    static WorkspaceSummary build(WorkspaceRecord record, List<CommandEntry> journal, List<ReviewEvents.Event> events,
                                  DiffPayload diff, String diffUnavailable, int namedSnapshots) {
        double since = record.lastResetAt() == null ? 0 : record.lastResetAt();
        List<ReviewEvents.Event> recent = events.stream().filter(e -> e.recordedAt() >= since).toList();
        List<Command> commands = journal.stream()
                .map(c -> new Command(c.sequence(), c.command(), c.exitCode(), c.durationMs())).toList();
        int failed = (int) commands.stream().filter(c -> c.exitCode() != 0).count();
        Changes changes = diff == null ? new Changes(false, null, List.of(), diffUnavailable)
                : new Changes(true, diff.summary(), diff.entries().stream()
                        .map(e -> Map.<String, Object>of("path", e.path(), "status", e.status().name().toLowerCase(java.util.Locale.ROOT)))
                        .toList(), null);
        return new WorkspaceSummary(record.workspaceId(), record.name(), record.state(), record.environment(),
                record.resetCount(), record.lastResetAt(), new Commands(commands.size(), failed, commands), changes,
                new Edits(detail(recent, "file_write"), detail(recent, "patch")), detail(recent, "sync"),
                new Artifacts(detail(recent, "export")), new Snapshots(namedSnapshots));
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
