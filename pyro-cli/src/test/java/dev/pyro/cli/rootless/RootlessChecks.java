package dev.pyro.cli.rootless;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/** Assertions the rootless tests share. */
final class RootlessChecks {

    private RootlessChecks() {
    }

    /** A user error: no stack trace, no Java class or exception name. */
    static void assertNoJavaInternals(String output) {
        assertThat(output).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("dev.pyro.")
                .doesNotContain("java.").doesNotContain("Caused by");
    }

    /** The {@code error: } lines of stderr. */
    static List<String> errorLines(OrdinaryUser.Result r) {
        return r.stderr().lines().filter(l -> l.startsWith("error: ")).toList();
    }

    /** Whether any text value anywhere in the payload is exactly {@code value}. */
    static boolean hasValue(JsonNode node, String value) {
        if (node == null) {
            return false;
        }
        if (node.isString()) {
            return node.asString().equals(value);
        }
        for (JsonNode child : node) {
            if (hasValue(child, value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Paths under {@code dir} owned by anyone but the account and its subordinate ids: an ordinary
     * user's Pyro must never make files of another account (root or a stranger).
     */
    static List<String> foreignOwners(OrdinaryUser user, Path dir) throws IOException {
        List<String> foreign = new ArrayList<>();
        if (!Files.exists(dir)) {
            return foreign;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                check(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                check(f);
                return FileVisitResult.CONTINUE;
            }

            private void check(Path p) throws IOException {
                long owner = ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
                if (owner != user.uid() && user.subordinateIds().stream().noneMatch(r -> r.contains(owner))) {
                    if (foreign.size() < 20) {
                        foreign.add(p + " (uid " + owner + ")");
                    }
                }
            }
        });
        return foreign;
    }

    /** Installed or half-built environments in the account's cache (anything but lock files). */
    static List<String> environmentEntries(OrdinaryUser user) throws IOException {
        Path platform = user.cacheDir().resolve("environments/linux-x86_64");
        if (!Files.isDirectory(platform)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(platform)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".lock")).sorted().toList();
        }
    }

    /** TCP listeners on {@code port} from /proc/net/tcp and tcp6: local address hex of each. */
    static List<String> listeners(int port) throws IOException {
        List<String> found = new ArrayList<>();
        String hexPort = String.format(":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("0A")) { // 0A: LISTEN
                    found.add(f[1].substring(0, f[1].indexOf(':')));
                }
            }
        }
        return found;
    }
}
