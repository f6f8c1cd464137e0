package dev.pyro.engine.backend;

/** The backend a sandbox will use, and why (shown by doctor and in errors). */
public record BackendChoice(SandboxBackend backend, String reason) {
}
