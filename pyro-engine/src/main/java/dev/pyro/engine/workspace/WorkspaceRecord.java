package dev.pyro.engine.workspace;

import dev.pyro.api.Defaults;
import dev.pyro.api.workspace.LastCommand;
import dev.pyro.api.workspace.WorkspaceSeed;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.provision.SandboxTerms;
import dev.pyro.engine.provision.WithSandboxTerms;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * {@code workspaces/<id>/workspace.json}: everything that must survive the engine. Written
 * atomically under the workspace's lock; {@code sandbox} is the backend's record of the running
 * guest (null while none exists, e.g. during a reset). The sizing and lifecycle fields are the
 * {@link SandboxTerms} one-shot VMs share, unwrapped: the file's keys and order are as before.
 */
public record WorkspaceRecord(
        int layoutVersion,
        String workspaceId,
        @JsonUnwrapped SandboxTerms terms,
        String networkPolicy,
        boolean allowHostCompat,
        String backend,
        String lastError,
        String name,
        SortedMap<String, String> labels,
        double lastActivityAt,
        int commandCount,
        LastCommand lastCommand,
        WorkspaceSeed workspaceSeed,
        List<SecretMeta> secrets,
        int resetCount,
        Double lastResetAt,
        SandboxRecord sandbox) implements WithSandboxTerms {

    public static final int LAYOUT_VERSION = 1;

    /** The secrets' metadata (never values); empty for a record without any. */
    public List<SecretMeta> secretList() {
        return secrets == null ? List.of() : secrets;
    }

    public String executionMode() {
        return sandbox == null ? "pending" : sandbox.executionMode();
    }

    public Map<String, String> metadata() {
        return sandbox == null ? Map.of() : sandbox.metadata();
    }

    WorkspaceRecord with(Change change) {
        Builder b = new Builder(this);
        change.apply(b);
        return b.build();
    }

    /** A mutable copy for one update; records stay immutable everywhere else. */
    interface Change {
        void apply(Builder b);
    }

    static final class Builder {
        String state;
        String lastError;
        String name;
        SortedMap<String, String> labels;
        double lastActivityAt;
        int commandCount;
        LastCommand lastCommand;
        WorkspaceSeed workspaceSeed;
        int resetCount;
        Double lastResetAt;
        SandboxRecord sandbox;
        private final WorkspaceRecord from;

        Builder(WorkspaceRecord r) {
            from = r;
            state = r.state();
            lastError = r.lastError;
            name = r.name;
            labels = r.labels;
            lastActivityAt = r.lastActivityAt;
            commandCount = r.commandCount;
            lastCommand = r.lastCommand;
            workspaceSeed = r.workspaceSeed;
            resetCount = r.resetCount;
            lastResetAt = r.lastResetAt;
            sandbox = r.sandbox;
        }

        WorkspaceRecord build() {
            return new WorkspaceRecord(from.layoutVersion, from.workspaceId, from.terms.withState(state),
                    from.networkPolicy, from.allowHostCompat, from.backend, lastError, name, labels, lastActivityAt,
                    commandCount, lastCommand, workspaceSeed, from.secrets, resetCount, lastResetAt, sandbox);
        }
    }
}
