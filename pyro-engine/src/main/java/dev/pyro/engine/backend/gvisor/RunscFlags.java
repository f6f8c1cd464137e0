package dev.pyro.engine.backend.gvisor;

import dev.pyro.engine.process.HostCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which global flags the installed runsc knows, asked once per binary ({@code runsc flags}).
 * runsc releases add flags and change defaults: from 2023 on, {@code --overlay2} defaults to
 * {@code root:self}, which keeps the guest's root writes in a sandbox-private file store instead of
 * our overlay's upper dir (they would vanish at stop, and reset, diff and export would not see
 * them), so it must be switched off where it exists; bookworm's runsc (0.0~20221219) has no such
 * flag and would refuse it.
 */
final class RunscFlags {

    private static final Map<String, String> HELP = new ConcurrentHashMap<>();

    private RunscFlags() {
    }

    /** True when {@code runsc flags} lists {@code -name}. */
    static boolean supports(Path runsc, String name) {
        return help(runsc).contains("\n  -" + name + "\n") || help(runsc).contains("\n  -" + name + " ");
    }

    private static String help(Path runsc) {
        String key;
        try {
            key = runsc + "@" + Files.getLastModifiedTime(runsc).toMillis() + "/" + Files.size(runsc);
        } catch (IOException e) {
            key = runsc.toString();
        }
        return HELP.computeIfAbsent(key, k -> {
            try {
                // runsc prints its flag list to stderr; HostCommand merges the streams.
                return "\n" + String.join("\n", HostCommand.of(runsc.toString(), "flags").runAllowingFailure().lines())
                        + "\n";
            } catch (IOException e) {
                return "\n";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "\n";
            }
        });
    }
}
