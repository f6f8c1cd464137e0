package dev.pyro.cli.smoke;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Real git for smoke fixtures: a throwaway identity, no signing, no global config. */
final class Git {

    private Git() {
    }

    static String run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString(), "-c", "user.name=Smoke",
                "-c", "user.email=smoke@localhost", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", argv) + " failed:\n" + out);
        }
        return out;
    }

    /** {@code git init} if needed, then commit everything not ignored. */
    static void commitAll(Path dir, String message) throws IOException, InterruptedException {
        if (!dir.resolve(".git").toFile().exists()) {
            run(dir, "init", "-q");
        }
        run(dir, "add", "-A");
        run(dir, "commit", "-qm", message);
    }
}
