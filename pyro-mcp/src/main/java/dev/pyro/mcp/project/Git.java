package dev.pyro.mcp.project;

import dev.pyro.api.PyroException;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The host's {@code git}, run to completion with stdout and stderr kept apart. */
final class Git {

    record Result(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private Git() {
    }

    static Result run(Path dir, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add("git");
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        // No prompt for credentials: a server has nobody to answer it.
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            byte[] out = p.getInputStream().readAllBytes();
            int code = p.waitFor();
            return new Result(code, new String(out, StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw PyroException.invalid("git is needed for the project source but cannot run: " + ErrorText.of(e)
                    + "; install git or start the server with --no-project-source");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PyroException.runtime("interrupted while running git", e);
        }
    }

    /** The root of the Git worktree that holds {@code dir}, or null when it is not in one. */
    static Path topLevel(Path dir) {
        try {
            Result r = run(dir, "rev-parse", "--show-toplevel");
            return r.ok() && !r.stdout().isBlank() ? Path.of(r.stdout().trim()) : null;
        } catch (PyroException e) {
            return null; // no git: no checkout to detect
        }
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
