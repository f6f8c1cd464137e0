package dev.pyro.engine.backend;

import dev.pyro.engine.environment.EnvironmentSpec;
import dev.pyro.engine.environment.InstallState;
import java.nio.file.Path;

/**
 * What to create: a sandbox of one environment, sized, with or without network, whose files live
 * in {@code workDir} (owned by the sandbox and removed on delete).
 */
public record SandboxRequest(
        String id,
        EnvironmentSpec environment,
        InstallState install,
        int vcpuCount,
        int memMib,
        boolean network,
        Path workDir) {
}
