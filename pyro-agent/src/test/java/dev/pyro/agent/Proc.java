package dev.pyro.agent;

import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentProcess;
import dev.pyro.protocol.ExitStatus;
import dev.pyro.protocol.ProcessOutput;
import dev.pyro.protocol.SpawnRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Test helpers around processes. */
final class Proc {
    private Proc() {}

    record Result(ExitStatus exit, String out, String err) {}

    static Result run(AgentConnection c, SpawnRequest req) {
        AgentProcess p = c.processes().spawn(req);
        ExitStatus st = p.waitFor(Duration.ofSeconds(20));
        try {
            return new Result(st, new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8),
                    new String(p.stderr().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Result sh(AgentConnection c, String script) {
        return run(c, SpawnRequest.of("sh", "-c", script));
    }

    /** Collects output in memory for polling. */
    static final class Collector implements ProcessOutput {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();

        @Override
        public synchronized void onStdout(byte[] data) {
            out.writeBytes(data);
        }

        @Override
        public synchronized void onStderr(byte[] data) {
            err.writeBytes(data);
        }

        synchronized String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        synchronized byte[] outBytes() {
            return out.toByteArray();
        }

        synchronized String err() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    static void await(BooleanSupplier cond, Duration timeout, String what) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    static boolean alive(long pid) {
        // a zombie still has /proc/<pid>; the agent reaps orphans, so wait for the entry to go
        Path stat = Path.of("/proc/" + pid + "/stat");
        try {
            String s = Files.readString(stat);
            return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    static boolean exists(long pid) {
        return Files.exists(Path.of("/proc/" + pid));
    }
}
