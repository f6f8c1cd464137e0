package dev.pyro.cli.host;

import dev.pyro.api.PyroException;
import java.nio.file.Path;

/** Checks for the options that only some hosts take. */
final class HostOptions {

    private HostOptions() {
    }

    /** {@code --config-path} as a path, refused for hosts whose config pyro does not edit itself. */
    static Path openCodeConfig(String host, String configPath) {
        if (configPath == null) {
            return null;
        }
        if (!host.equals(OpenCodeHost.NAME)) {
            throw PyroException.invalid("--config-path is only for opencode; " + host
                    + " keeps its config where its own CLI puts it");
        }
        return HostPaths.expand(configPath);
    }
}
