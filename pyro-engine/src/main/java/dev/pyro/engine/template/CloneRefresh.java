package dev.pyro.engine.template;

import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentException;
import dev.pyro.protocol.AgentProcess;
import dev.pyro.protocol.ErrorText;
import dev.pyro.protocol.ExitStatus;
import dev.pyro.protocol.ProcessOutput;
import dev.pyro.protocol.SpawnRequest;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * What a guest restored from a template needs before anyone uses it: every clone wakes with the
 * template's clock and the template's random generator state. The clock is set from the host; host
 * random bytes are mixed into the guest's pool and the kernel's generator is reseeded from it at
 * once (RNDRESEEDCRNG), so two clones never hand out the same "random" bytes. The boot id
 * ({@code /proc/sys/kernel/random/boot_id}) is fixed at the template's boot and stays shared.
 */
public final class CloneRefresh {

    /** Metadata flag a backend sets on a sandbox it has just restored from a template. */
    public static final String RESTORED = "restored_from_template";

    // RNDRESEEDCRNG is _IO('R', 0x07); perl-base is essential in every Debian environment.
    private static final String RESEED = "open(my $f, '>', '/dev/urandom') or die \"open: $!\\n\";"
            + " syswrite($f, pack('H*', $ARGV[0])) == 64 or die \"write: $!\\n\";"
            + " ioctl($f, 0x5207, 0) or die \"reseed: $!\\n\";";
    private static final SecureRandom RANDOM = new SecureRandom();

    private CloneRefresh() {
    }

    /** Whether {@code sandbox} was just restored from a template and still wakes with its state. */
    public static boolean needed(SandboxRecord sandbox) {
        return "true".equals(sandbox.metadata().get(RESTORED));
    }

    /** The clock first (the reseed must not be timed with the template's time), then fresh randomness. */
    public static void apply(AgentConnection agent) {
        begin(agent).await();
    }

    /**
     * Sets the clock and starts the reseed; {@link Pending#await} waits for it. The caller may seed
     * files meanwhile (the reseed is a process in the guest, ~0.1 s under TCG), but must await it
     * before the sandbox is handed to anyone.
     */
    public static Pending begin(AgentConnection agent) {
        try {
            agent.setTime(Instant.now());
            byte[] seed = new byte[64];
            RANDOM.nextBytes(seed);
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            ProcessOutput sink = new ProcessOutput() {
                @Override
                public void onStdout(byte[] data) {
                }

                @Override
                public void onStderr(byte[] data) {
                    synchronized (stderr) {
                        stderr.writeBytes(data);
                    }
                }
            };
            AgentProcess process = agent.processes().spawn(SpawnRequest.of(List.of("/usr/bin/perl", "-e", RESEED,
                    HexFormat.of().formatHex(seed))).withOutputLimit(4096L), sink, Duration.ofSeconds(10));
            return new Pending(agent, process, stderr);
        } catch (AgentException e) {
            throw PyroException.runtime("refreshing the guest restored from a template failed: " + ErrorText.of(e), e);
        }
    }

    /** A reseed under way. */
    public static final class Pending {
        private final AgentConnection agent;
        private final AgentProcess process;
        private final ByteArrayOutputStream stderr;

        private Pending(AgentConnection agent, AgentProcess process, ByteArrayOutputStream stderr) {
            this.agent = agent;
            this.process = process;
            this.stderr = stderr;
        }

        public void await() {
            try {
                ExitStatus status = process.waitFor(Duration.ofSeconds(10));
                if (status.shellCode() != 0) {
                    throw PyroException.runtime("the guest restored from a template could not reseed its random "
                            + "generator (exit " + status.shellCode() + "): " + stderrText(stderr), null);
                }
                // Once more, now that the guest answers: on a loaded host the first setting can sit
                // in the channel for seconds and leave the clock that far behind.
                agent.setTime(Instant.now());
            } catch (AgentException e) {
                throw PyroException.runtime("refreshing the guest restored from a template failed: "
                        + ErrorText.of(e), e);
            }
        }
    }

    private static String stderrText(ByteArrayOutputStream stderr) {
        synchronized (stderr) {
            return stderr.toString(java.nio.charset.StandardCharsets.UTF_8).strip();
        }
    }
}
