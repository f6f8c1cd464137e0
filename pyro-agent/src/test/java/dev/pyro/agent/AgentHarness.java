package dev.pyro.agent;

import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentException;
import dev.pyro.protocol.ProcessInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts the real pyro-agent binary on a temp Unix socket and hands out connections. */
final class AgentHarness implements AutoCloseable {
    private static AgentBinaries.Extracted binaries;

    final Path dir;
    final Path socket;
    final Path log;
    final Process process;
    private final List<AgentConnection> connections = new ArrayList<>();

    /** The built binaries, extracted once per test JVM. */
    static synchronized AgentBinaries.Extracted binaries() {
        if (binaries == null) {
            try {
                Path d = Files.createTempDirectory("pyro-agent-bin");
                d.toFile().deleteOnExit();
                binaries = AgentBinaries.extract(d);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return binaries;
    }

    /** The agent under test; -Dpyro.agent.binary=PATH tests another build (e.g. make asan). */
    static Path agentBinary() {
        String override = System.getProperty("pyro.agent.binary", "");
        return override.isBlank() ? binaries().agent().path() : Path.of(override);
    }

    private AgentHarness(Path dir, Process process, Path socket, Path log) {
        this.dir = dir;
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    /** Starts {@code pyro-agent --listen dir/agent.sock}, logging to dir/agent.log. */
    static AgentHarness start(Path dir) {
        try {
            Files.createDirectories(dir);
            Path socket = dir.resolve("agent.sock");
            Path log = dir.resolve("agent.log");
            Process p = new ProcessBuilder(agentBinary().toString(), "--listen", socket.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            awaitListening(socket, p);
            return new AgentHarness(dir, p, socket, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the socket accepts connections (a probe connection that closes at once). */
    static void awaitListening(Path socket, Process p) {
        long end = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(socket));
                return;
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > end) {
                    throw new IllegalStateException("the agent did not start listening on " + socket);
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                }
            }
        }
    }

    AgentConnection connect() {
        return connect(AgentConnection.Options.defaults().withCallTimeout(Duration.ofSeconds(10)));
    }

    AgentConnection connect(AgentConnection.Options options) {
        AgentConnection c = AgentConnection.connectUnix(socket, Duration.ofSeconds(5), options);
        synchronized (connections) {
            connections.add(c);
        }
        return c;
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Kills leftover processes, then the agent. */
    @Override
    public void close() {
        if (process.isAlive()) {
            try (AgentConnection c = AgentConnection.connectUnix(socket, AgentConnection.Options.defaults()
                    .withCallTimeout(Duration.ofSeconds(2)))) {
                for (ProcessInfo pi : c.processes().listProcesses()) {
                    if (pi.running()) c.processes().signal(pi.processId(), "KILL", true);
                }
            } catch (AgentException ignored) {
                // best effort
            }
        }
        synchronized (connections) {
            connections.forEach(AgentConnection::close);
        }
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
