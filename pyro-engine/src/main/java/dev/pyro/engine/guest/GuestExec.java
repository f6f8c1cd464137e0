package dev.pyro.engine.guest;

import dev.pyro.api.OutputListener;
import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentProcess;
import dev.pyro.protocol.AgentTimeoutException;
import dev.pyro.protocol.ExitStatus;
import dev.pyro.protocol.ProcessOutput;
import dev.pyro.protocol.SpawnRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one shell command through a sandbox's agent with Pyro's rules: {@code /bin/sh -lc} in a
 * working directory, a timeout that kills the whole process group (exit 124, {@code command timed
 * out after Ns}, empty stdout), and captured output capped per stream with a visible marker.
 * The agent only does the primitives; these rules live here, the same for every backend.
 */
public final class GuestExec {

    /** Per stream; beyond it output is dropped and a marker says how much. */
    public static final int OUTPUT_LIMIT_BYTES = 1024 * 1024;
    private static final int EXIT_TIMEOUT = 124;

    /** Receives output as it arrives (for {@code pyro run}, which passes it through). */

    private GuestExec() {
    }

    public static ExecOutcome run(AgentConnection agent, String command, String cwd, Map<String, String> env,
                                  int timeoutSeconds, OutputListener listener) {
        long started = System.nanoTime();
        BoundedOutput stdout = new BoundedOutput(OUTPUT_LIMIT_BYTES);
        BoundedOutput stderr = new BoundedOutput(OUTPUT_LIMIT_BYTES);
        ProcessOutput sink = new ProcessOutput() {
            @Override
            public void onStdout(byte[] data) {
                stdout.append(data);
                listener.stdout(data);
            }

            @Override
            public void onStderr(byte[] data) {
                stderr.append(data);
                listener.stderr(data);
            }
        };
        // The agent drops what nobody will keep, so a flood does not cross the channel in full.
        SpawnRequest request = SpawnRequest.of(List.of("/bin/sh", "-lc", command))
                .withCwd(cwd).withEnv(env).withOutputLimit(4L * OUTPUT_LIMIT_BYTES);
        AgentProcess process = agent.processes().spawn(request, sink, Duration.ofSeconds(30));
        ExitStatus status;
        try {
            status = process.waitFor(Duration.ofSeconds(timeoutSeconds));
        } catch (AgentTimeoutException e) {
            process.signal("KILL");
            try {
                process.exit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // the group was killed; its exit report is not needed for the result
            }
            String message = "command timed out after " + timeoutSeconds + "s";
            listener.stderr((message + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return new ExecOutcome("", message, EXIT_TIMEOUT, millisSince(started), true, false);
        }
        boolean truncated = stdout.truncated() || stderr.truncated() || status.truncated();
        if (status.truncated()) {
            // The agent stopped sending: whoever watched the live output must not take it for all of it.
            listener.stderr(("[pyro: live output stopped after " + (stdout.received() + stderr.received())
                    + " bytes; the command wrote " + status.stdoutBytes() + " bytes to stdout and "
                    + status.stderrBytes() + " to stderr]\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return new ExecOutcome(stdout.text(status.stdoutBytes()), stderr.text(status.stderrBytes()),
                status.shellCode(), millisSince(started), false, truncated);
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
