package dev.pyro.engine.host;

import dev.pyro.engine.process.HostCommand;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * The project's host setup script ({@code scripts/host-setup.sh}, packed into the jar), which
 * lists and installs the Debian packages Pyro needs. {@code pyro doctor} asks it what is missing;
 * {@code pyro doctor --fix} runs it.
 */
public final class HostSetup {

    private static final String RESOURCE = "/dev/pyro/engine/host/host-setup.sh";
    private static final String MISSING_PREFIX = "missing host packages: ";

    private HostSetup() {
    }

    static String script() {
        try (InputStream in = HostSetup.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("host-setup.sh is not packed into this build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Debian packages from the setup list that are not installed on this host. */
    public static List<String> missingPackages() {
        try {
            HostCommand.Result result = HostCommand.of("bash", "-c", script(), "host-setup", "--check")
                    .runAllowingFailure();
            return result.lines().stream()
                    .filter(line -> line.startsWith(MISSING_PREFIX))
                    .findFirst()
                    .map(line -> List.of(line.substring(MISSING_PREFIX.length()).trim().split("\\s+")))
                    .orElse(List.of());
        } catch (IOException e) {
            return List.of("(cannot run the host setup check: " + ErrorText.of(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** Installs what is missing (needs root or passwordless sudo), streaming its output lines. */
    public static void install(Consumer<String> output) throws IOException, InterruptedException {
        HostCommand.of("bash", "-c", script(), "host-setup").onLine(output).run();
    }
}
