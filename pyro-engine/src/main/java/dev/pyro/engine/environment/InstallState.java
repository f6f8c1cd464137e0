package dev.pyro.engine.environment;

import java.nio.file.Path;

/**
 * Whether an environment is usable as installed, and if not, why.
 *
 * @param manifest present only when {@code installed}
 */
public record InstallState(Path installDir, boolean installed, String reason, EnvironmentManifest manifest) {

    static InstallState valid(Path dir, EnvironmentManifest manifest) {
        return new InstallState(dir, true, null, manifest);
    }

    static InstallState invalid(Path dir, String reason) {
        return new InstallState(dir, false, reason, null);
    }
}
