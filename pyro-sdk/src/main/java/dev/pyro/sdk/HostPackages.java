package dev.pyro.sdk;

import dev.pyro.engine.host.HostSetup;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * The Debian packages Pyro needs on the host (the project's host setup script), installed by
 * {@code pyro doctor --fix}; {@link Pyro#doctor()} reports which are missing.
 */
public final class HostPackages {

    private HostPackages() {
    }

    /** Installs what is missing (needs root or passwordless sudo), streaming the script's output lines. */
    public static void install(Consumer<String> output) throws IOException, InterruptedException {
        HostSetup.install(output);
    }
}
