package dev.pyro.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real CLI in its own JVM, as users run it: real exit codes, real stdout and stderr,
 * environment variables for isolated cache and state dirs.
 */
final class CliProcess {

    /** A finished child process (the CLI, a host CLI, a node peer): exit code, whole stdout and stderr. */
    record Result(int exitCode, String stdout, String stderr) {

        String all() {
            return stdout + stderr;
        }
    }

    private final Map<String, String> env = new HashMap<>();
    private final java.util.Set<String> removed = new java.util.HashSet<>();

    CliProcess env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Runs without this inherited variable (e.g. a developer's own config dir for a host CLI). */
    CliProcess without(String name) {
        removed.add(name);
        env.remove(name);
        return this;
    }

    /** Cache and state under {@code dir}, except the package cache and kernels, which stay shared. */
    CliProcess isolatedIn(Path dir) {
        return env("PYRO_ENVIRONMENT_CACHE_DIR", dir.resolve("environments").toString())
                .env("PYRO_STATE_DIR", dir.resolve("state").toString());
    }

    Process start(String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(CliJvm.command(args));
        builder.environment().put("PYRO_PROGRESS_PLAIN", "1");
        builder.environment().keySet().removeAll(removed);
        builder.environment().putAll(env);
        return builder.start();
    }

    Result run(String... args) throws IOException, InterruptedException {
        return finish(start(args), 600);
    }

    static Result finish(Process process, long timeoutSeconds) throws IOException, InterruptedException {
        return finish(process, timeoutSeconds, "pyro");
    }

    /**
     * Closes the child's stdin, reads its stdout and stderr while it runs and waits for it; past
     * the timeout it and its descendants are killed and the test fails naming {@code what}.
     */
    static Result finish(Process process, long timeoutSeconds, String what) throws IOException, InterruptedException {
        process.getOutputStream().close();
        CompletableFuture<String> out = read(process.getInputStream());
        CompletableFuture<String> err = read(process.getErrorStream());
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(what + " did not finish within " + timeoutSeconds + " s");
        }
        return new Result(process.exitValue(), out.join(), err.join());
    }

    private static CompletableFuture<String> read(java.io.InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
