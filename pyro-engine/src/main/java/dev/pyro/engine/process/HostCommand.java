package dev.pyro.engine.process;

import dev.pyro.protocol.ErrorText;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a host program (mmdebstrap, make, mke2fs, qemu-img, ...) to completion, feeding each output
 * line to a listener and keeping the last lines for the error message when it fails.
 */
public final class HostCommand {

    private static final int TAIL_LINES = 30;

    private final List<String> argv;
    private Path workingDir;
    private final Map<String, String> extraEnv = new java.util.LinkedHashMap<>();
    private Consumer<String> lineListener = line -> { };

    private HostCommand(List<String> argv) {
        this.argv = List.copyOf(argv);
    }

    public static HostCommand of(String... argv) {
        return new HostCommand(List.of(argv));
    }

    public static HostCommand of(List<String> argv) {
        return new HostCommand(argv);
    }

    public HostCommand in(Path dir) {
        this.workingDir = dir;
        return this;
    }

    public HostCommand env(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    /** Called with every line the program prints (stdout and stderr merged). */
    public HostCommand onLine(Consumer<String> listener) {
        this.lineListener = listener;
        return this;
    }

    /** Runs the program and fails with its last output lines when it exits non-zero. */
    public void run() throws IOException, InterruptedException {
        Result result = runAllowingFailure();
        if (result.exitCode() != 0) {
            throw new HostCommandException(argv, result.exitCode(), result.tail());
        }
    }

    /** Runs the program and returns its exit code and output, whatever the exit code. */
    public Result runAllowingFailure() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        if (workingDir != null) {
            builder.directory(workingDir.toFile());
        }
        builder.environment().putAll(extraEnv);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new HostCommandException(argv, -1, List.of("cannot start " + argv.get(0) + ": " + ErrorText.of(e)));
        }
        process.getOutputStream().close();
        Deque<String> tail = new ArrayDeque<>();
        List<String> all = new ArrayList<>();
        boolean drained = false;
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineListener.accept(line);
                if (all.size() < 10_000) {
                    all.add(line);
                }
                tail.addLast(line);
                if (tail.size() > TAIL_LINES) {
                    tail.removeFirst();
                }
            }
            drained = true;
        } finally {
            // End of output is not the end of the process: coreutils (cp, ...) close stdout before
            // they exit, and killing them in that gap turned a success into exit 137.
            if (process.isAlive() && (!drained || !process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS))) {
                process.destroyForcibly();
            }
        }
        int exit = process.waitFor();
        return new Result(exit, List.copyOf(all), List.copyOf(tail));
    }

    /** Exit code, output lines (first 10,000) and the last lines. */
    public record Result(int exitCode, List<String> lines, List<String> tail) {
        public String output() {
            return String.join("\n", lines);
        }
    }
}
