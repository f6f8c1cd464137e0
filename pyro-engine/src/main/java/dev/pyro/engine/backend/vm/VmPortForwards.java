package dev.pyro.engine.backend.vm;

import dev.pyro.api.Json;
import dev.pyro.engine.network.GuestNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import tools.jackson.databind.node.ObjectNode;

/**
 * Published ports of a rootless guest: host forwards on the QEMU user network that is the guest's
 * eth1 ({@code restrict=on}), added and removed while the guest runs through QMP. QEMU itself
 * listens on 127.0.0.1, so a port costs no host process and lives exactly as long as the VM (also
 * across an engine restart); a stopped VM has none.
 */
public final class VmPortForwards {

    private static final Duration CONNECT = Duration.ofSeconds(5);
    /** A VM killed outside Pyro leaves its monitor socket file behind: removing its forwards must not wait long. */
    private static final Duration CONNECT_TO_REMOVE = Duration.ofSeconds(1);

    private VmPortForwards() {
    }

    /** The monitor socket of the VM whose files live in {@code workDir}. */
    public static Path monitor(Path workDir) {
        return workDir.resolve(QemuBackend.QMP_SOCKET);
    }

    /**
     * Forwards 127.0.0.1:{@code hostPort} to the guest's {@code guestPort} on eth1. Throws when QEMU
     * refuses (the port was taken meanwhile: {@link PortTakenException}).
     */
    public static void add(Path monitor, int hostPort, int guestPort) throws IOException, InterruptedException {
        String reply = hmp(monitor, "hostfwd_add " + QemuBackend.PUBLISH_NETDEV + " tcp:127.0.0.1:" + hostPort + "-"
                + GuestNetwork.PUBLISH_IP + ":" + guestPort, CONNECT);
        if (!reply.isBlank()) {
            // QEMU 7.2 says "Could not set up host forwarding rule 'tcp:...'" when bind() fails
            if (reply.contains("Could not set up host forwarding")) {
                throw new PortTakenException(hostPort);
            }
            throw new IOException("QEMU hostfwd_add: " + reply.strip());
        }
    }

    /** Removes the forward of 127.0.0.1:{@code hostPort}; a VM that is gone has none left. */
    public static void remove(Path monitor, int hostPort) throws InterruptedException {
        if (!Files.exists(monitor)) {
            return;
        }
        try {
            hmp(monitor, "hostfwd_remove " + QemuBackend.PUBLISH_NETDEV + " tcp:127.0.0.1:" + hostPort,
                    CONNECT_TO_REMOVE);
        } catch (IOException e) {
            // QEMU is gone: so is its listener
        }
    }

    private static String hmp(Path monitor, String commandLine, Duration wait) throws IOException, InterruptedException {
        try (QmpClient qmp = QmpClient.connect(monitor, wait, () -> Files.exists(monitor))) {
            ObjectNode args = Json.MAPPER.createObjectNode().put("command-line", commandLine);
            return qmp.execute("human-monitor-command", args).asString("");
        }
    }

    /** The host port could not be bound on 127.0.0.1. */
    public static final class PortTakenException extends IOException {
        public PortTakenException(int port) {
            super("host port " + port + " is taken");
        }
    }
}
