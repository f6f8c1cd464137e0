package dev.pyro.engine.network;

import dev.pyro.engine.process.HostCommand;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A stand-in for "the internet" in tests: a network namespace behind a veth pair, routed from the
 * host, with a TCP server in it that answers every connection with a fixed line. A guest that
 * reaches it went out through the host's forwarding and NAT (or, rootless, through passt's sockets),
 * without leaving this machine.
 */
final class PeerNamespace implements AutoCloseable {

    static final int PORT = 7070;
    /** UDP: answers every datagram with the greeting (the path DNS takes). */
    static final int UDP_PORT = 7071;
    static final String GREETING = "hello-from-peer";

    final String name;
    final String hostSide;
    final String peerIp;
    final String hostIp;
    private final Process server;

    private PeerNamespace(String name, String hostSide, String hostIp, String peerIp, Process server) {
        this.name = name;
        this.hostSide = hostSide;
        this.hostIp = hostIp;
        this.peerIp = peerIp;
        this.server = server;
    }

    static PeerNamespace start() throws IOException, InterruptedException {
        int n = ThreadLocalRandom.current().nextInt(1, 250);
        String name = "pyro-peer-" + n;
        String hostSide = "pyropeerh" + n;
        String peerSide = "pyropeerp" + n;
        String hostIp = "198.18." + n + ".1";
        String peerIp = "198.18." + n + ".2";
        HostCommand.of("ip", "netns", "del", name).runAllowingFailure();
        HostCommand.of("ip", "link", "del", hostSide).runAllowingFailure();
        HostCommand.of("ip", "netns", "add", name).run();
        HostCommand.of("ip", "link", "add", hostSide, "type", "veth", "peer", "name", peerSide).run();
        HostCommand.of("ip", "link", "set", peerSide, "netns", name).run();
        HostCommand.of("ip", "addr", "add", hostIp + "/30", "dev", hostSide).run();
        HostCommand.of("ip", "link", "set", hostSide, "up").run();
        HostCommand.of("ip", "-n", name, "addr", "add", peerIp + "/30", "dev", peerSide).run();
        HostCommand.of("ip", "-n", name, "link", "set", peerSide, "up").run();
        HostCommand.of("ip", "-n", name, "link", "set", "lo", "up").run();
        HostCommand.of("ip", "-n", name, "route", "add", "default", "via", hostIp).run();
        Process server = new ProcessBuilder("ip", "netns", "exec", name, "socat",
                "TCP4-LISTEN:" + PORT + ",fork,reuseaddr", "SYSTEM:echo " + GREETING)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        new ProcessBuilder("ip", "netns", "exec", name, "socat", "UDP4-RECVFROM:" + UDP_PORT + ",fork",
                "SYSTEM:echo " + GREETING).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start(); // ended with the namespace's other processes in close()
        for (int i = 0; i < 250; i++) {
            if (HostCommand.of("ip", "netns", "exec", name, "sh", "-c",
                    "grep -q ':1B9E 00000000:0000 0A' /proc/net/tcp").runAllowingFailure().exitCode() == 0) {
                break;
            }
            Thread.sleep(20);
        }
        return new PeerNamespace(name, hostSide, hostIp, peerIp, server);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.destroyForcibly();
        HostCommand.of("ip", "netns", "pids", name).runAllowingFailure().lines().forEach(pid ->
                ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly));
        HostCommand.of("ip", "link", "del", hostSide).runAllowingFailure();
        HostCommand.of("ip", "netns", "del", name).runAllowingFailure();
    }
}
