package dev.pyro.engine.network;

import dev.pyro.api.PyroException;
import dev.pyro.engine.host.HostTools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Published ports: one socat process per port, listening on 127.0.0.1 only and forwarding TCP to
 * the guest. A separate process (not a thread of the engine) so a published service keeps working
 * while the engine daemon is idle-stopped or restarted; its command line carries a marker naming
 * the workspace and service so a recorded pid is only ever signalled while it is still that proxy.
 */
public final class PortProxies {

    public static final String LOOPBACK = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(5);

    private PortProxies() {
    }

    /** A running proxy: where it listens and the pid to stop it by. */
    public record Proxy(int hostPort, int guestPort, long pid) {
    }

    /**
     * Starts a proxy from 127.0.0.1:{@code hostPort} (0: a free port) to {@code guestIp:guestPort}
     * and waits until it listens.
     */
    public static Proxy start(String marker, int hostPort, String guestIp, int guestPort, Path logFile)
            throws IOException, InterruptedException {
        Path socat = HostTools.which("socat").orElseThrow(() -> GuestNetworks.missing("socat", "socat"));
        int port = hostPort == 0 ? freePort() : requireFree(hostPort);
        List<String> argv = new ArrayList<>();
        HostTools.which("setsid").ifPresent(setsid -> argv.add(setsid.toString())); // outlive the engine's session
        argv.addAll(List.of(socat.toString(), "-lp" + marker,
                "TCP4-LISTEN:" + port + ",bind=" + LOOPBACK + ",fork,reuseaddr",
                "TCP4:" + guestIp + ":" + guestPort + ",connect-timeout=5"));
        Files.createDirectories(logFile.getParent());
        Process process = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectErrorStream(true)
                .start();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String log = Files.exists(logFile) ? Files.readString(logFile).strip() : "";
                if (log.toLowerCase(Locale.ROOT).contains("address already in use")) {
                    throw portTaken(port);
                }
                throw new IOException("the proxy for 127.0.0.1:" + port + " exited: " + log);
            }
            if (listening(port)) {
                return new Proxy(port, guestPort, process.pid());
            }
            Thread.sleep(20);
        }
        process.destroyForcibly();
        throw new IOException("timed out waiting for the proxy on 127.0.0.1:" + port + " to listen");
    }

    /** Stops a proxy if {@code pid} is still the one carrying {@code marker}; TERM, then KILL. */
    public static void stop(long pid, String marker) throws InterruptedException {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !cmdline(pid).contains("-lp" + marker + " ")) {
            return;
        }
        // socat forks a child per connection: those go too, so no connection outlives its port
        List<ProcessHandle> children = handle.get().descendants().toList();
        handle.get().destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            handle.get().onExit().get(2, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            handle.get().destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    /** Whether a proxy with this pid and marker is still running. */
    public static boolean running(long pid, String marker) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && cmdline(pid).contains("-lp" + marker + " ");
    }

    /** Fails with a clear error when something already listens on 127.0.0.1:{@code port}. */
    public static int requireFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
            return port;
        } catch (IOException e) {
            throw portTaken(port);
        }
    }

    /** A port free on 127.0.0.1 now (the OS's pick). */
    public static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return probe.getLocalPort();
        }
    }

    /** The error for a host port something else listens on. */
    public static PyroException portTaken(int port) {
        return PyroException.invalid("host port " + port + " is already in use on " + LOOPBACK
                + "; choose another host_port or leave it out to get a free one");
    }

    /** True when /proc/net/tcp shows a listening socket on 127.0.0.1:{@code port}. */
    static boolean listening(int port) {
        String local = String.format("0100007F:%04X", port);
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].equals(local) && f[3].equals("0A")) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
