package dev.pyro.cli.host;

import dev.pyro.cli.run.ShellWords;
import java.nio.file.Path;
import java.util.List;

/** Where hosts keep their configs, and how a command line is shown to people. */
final class HostPaths {

    private HostPaths() {
    }

    /**
     * The home directory the hosts use: {@code $HOME} (Node and Rust programs read it), not Java's
     * {@code user.home}, which comes from the password database.
     */
    static Path home() {
        String home = System.getenv("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
    }

    /** {@code $XDG_CONFIG_HOME}, else {@code ~/.config}. */
    static Path configHome() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        return xdg != null && !xdg.isBlank() ? Path.of(xdg) : home().resolve(".config");
    }

    /** {@code ~} and relative paths made absolute. */
    static Path expand(String path) {
        String expanded = path.equals("~") || path.startsWith("~/") ? home() + path.substring(1) : path;
        return Path.of(expanded).toAbsolutePath().normalize();
    }

    /** A POSIX shell rendering of argv that a user can paste. */
    static String shell(List<String> argv) {
        return ShellWords.quoteAll(argv);
    }
}
