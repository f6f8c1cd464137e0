package dev.pyro.engine.provision;

import dev.pyro.engine.backend.SandboxBackend;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.environment.EnvironmentSpec;
import dev.pyro.engine.environment.InstallState;
import java.nio.file.Path;

/**
 * A sandbox while {@link Provisioner#provision} makes it: its id and dir, then its environment,
 * backend and install as they are chosen, and its backend's record as it changes (created, then
 * started by a kind that starts it). A failed create discards exactly what this names at that moment,
 * so a step that changes the sandbox (a start gives it a pid) sets {@link #sandbox} before going on.
 */
public final class SandboxDraft {

    private final String id;
    private final Path dir;
    private final EnvironmentSpec spec;
    private SandboxBackend backend;
    private InstallState install;
    /** The backend's record of the sandbox once created; a kind that starts it puts the started one here. */
    public SandboxRecord sandbox;

    SandboxDraft(String id, Path dir, EnvironmentSpec spec) {
        this.id = id;
        this.dir = dir;
        this.spec = spec;
    }

    public String id() {
        return id;
    }

    /** The sandbox's own dir ({@code vms/<id>}, {@code workspaces/<id>}): removed whole if the create fails. */
    public Path dir() {
        return dir;
    }

    public EnvironmentSpec spec() {
        return spec;
    }

    public SandboxBackend backend() {
        return backend;
    }

    public InstallState install() {
        return install;
    }

    void backend(SandboxBackend chosen) {
        this.backend = chosen;
    }

    void install(InstallState installed) {
        this.install = installed;
    }
}
