package dev.pyro.engine.backend;

import dev.pyro.engine.environment.EnvironmentSpec;
import dev.pyro.engine.environment.InstallState;
import java.nio.file.Path;

/**
 * What to create: a sandbox of one environment, sized, with or without network, whose files live
 * in {@code workDir} (owned by the sandbox and removed on delete).
 *
 * @param fromTemplate the caller will refresh a restored guest ({@link dev.pyro.engine.template.CloneRefresh}),
 *     so the backend may start it from a warm template where it has one
 */
public record SandboxRequest(
        String id,
        EnvironmentSpec environment,
        InstallState install,
        int vcpuCount,
        int memMib,
        boolean network,
        Path workDir,
        boolean fromTemplate) {

    /** A cold-booted sandbox. */
    public SandboxRequest(String id, EnvironmentSpec environment, InstallState install, int vcpuCount, int memMib,
                          boolean network, Path workDir) {
        this(id, environment, install, vcpuCount, memMib, network, workDir, false);
    }
}
