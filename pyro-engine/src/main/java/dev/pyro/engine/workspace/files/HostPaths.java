package dev.pyro.engine.workspace.files;

import java.nio.file.Path;

/** Host paths as users type them. */
final class HostPaths {

    private HostPaths() {
    }

    /** {@code ~} and {@code ~/x} expanded to the user's home, then made absolute and normalised. */
    static Path expand(String raw) {
        String text = raw.strip();
        String home = System.getProperty("user.home");
        if (text.equals("~")) {
            text = home;
        } else if (text.startsWith("~/")) {
            text = home + text.substring(1);
        }
        return Path.of(text).toAbsolutePath().normalize();
    }
}
