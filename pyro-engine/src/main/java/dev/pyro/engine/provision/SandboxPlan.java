package dev.pyro.engine.provision;

import dev.pyro.engine.backend.BackendChoice;
import dev.pyro.api.Progress;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What one kind of sandbox (one-shot VM, workspace) brings to {@link Provisioner#provision}: the
 * request's sizing and backend, and its own steps at fixed points of the one create sequence. One
 * plan serves one create (it may keep what its steps learn, e.g. a workspace's seed, for its record).
 * The defaults are "nothing": a one-shot VM overrides only what it must.
 *
 * @param <T> what the create returns (the new sandbox's public status)
 */
public interface SandboxPlan<T> {

    /** The word that names a failed create: "creating the {@code <what>} failed: ..." ({@code sandbox}, {@code workspace}). */
    String what();

    /** The environment, sizing, lifetime and backend the request asks for. */
    SandboxAsk ask();

    /** The kind's own checks of the request, after the sizing and environment (a workspace: policy, name, labels). */
    default void check() {
    }

    /** Deletes this kind's expired sandboxes, before the capacity check counts them. */
    void reapExpired();

    /** A fresh id for the new sandbox. */
    String newId();

    /** The new sandbox's dir ({@code <kind>/<id>}); nothing in it exists yet. */
    Path dir(String id);

    /**
     * Whether the kind makes its dir and prepares it before the backend is chosen (a workspace: its
     * seed, its secrets). If so, {@link #prepare} runs first, and a failure from then on is named by
     * {@link #what()} and leaves nothing behind, as failures after the create do in every kind.
     */
    default boolean preparesDir() {
        return false;
    }

    /** Makes and fills the sandbox's dir before the backend is chosen (only if {@link #preparesDir()}). */
    default void prepare(SandboxDraft draft) throws IOException {
    }

    /** Whether the sandbox gets a guest network (asked after {@link #check()}, which may parse the policy). */
    boolean network();

    /** Refuses a backend this kind cannot use (a workspace: the host backend); runs before the install. */
    default void accept(BackendChoice choice) {
    }

    /** Just before the backend creates the sandbox (a workspace reports its {@code create} phase). */
    default void beforeCreate(SandboxDraft draft, Progress progress) {
    }

    /** The name of the backend's dir inside the sandbox's dir ({@code sandbox}, {@code runtime}). */
    String sandboxDirName();

    /**
     * After the backend created the sandbox (a workspace: start, connect, secrets, seed import, clone
     * refresh). A step that changes the sandbox sets {@link SandboxDraft#sandbox} at once.
     */
    default void afterCreate(SandboxDraft draft, Progress progress) throws IOException, InterruptedException {
    }

    /** Writes the new sandbox's record and returns its status: the create's last step. */
    T record(SandboxDraft draft);

    /** A failed create is being discarded: what the kind holds of it goes first (a workspace: its agent). */
    default void discarding(String id) {
    }
}
