package dev.pyro.api.workspace;

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

}
