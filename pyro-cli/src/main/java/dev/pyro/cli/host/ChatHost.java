package dev.pyro.cli.host;

import dev.pyro.api.PyroException;
import java.nio.file.Path;
import java.util.List;

/** A chat host pyro can connect to: how to check its pyro entry and how to set it. */
public sealed interface ChatHost permits ClaudeCodeHost, CodexHost, OpenCodeHost {

    /** The names {@code pyro host} accepts, in doctor's order. */
    List<String> NAMES = List.of(ClaudeCodeHost.NAME, CodexHost.NAME, OpenCodeHost.NAME);

    String name();

    /** Whether the host is installed and its pyro entry runs {@code expected}. */
    HostCheck check(ServerCommand expected);

    /** Makes the pyro entry run {@code expected}; writes nothing when it already does. */
    ConnectResult connect(ServerCommand expected);

    /** The host by name; {@code configPath} overrides where OpenCode's config lives. */
    static ChatHost named(String name, Path configPath) {
        return switch (name) {
            case ClaudeCodeHost.NAME -> new ClaudeCodeHost();
            case CodexHost.NAME -> new CodexHost();
            case OpenCodeHost.NAME -> new OpenCodeHost(configPath);
            default -> throw PyroException.invalid("HOST must be one of " + String.join(", ", NAMES)
                    + " (got '" + name + "')");
        };
    }
}
