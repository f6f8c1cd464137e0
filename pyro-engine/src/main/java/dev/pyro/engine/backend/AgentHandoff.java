package dev.pyro.engine.backend;

import dev.pyro.protocol.AgentConnection;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Agent connections a backend opened while starting a sandbox, waiting for the first
 * {@link Sandboxes#connect}. A guest restored from a template must find its host already connected
 * when it resumes (a virtio-serial port that sees its host go away makes the agent wait ~100 ms
 * before it listens again), so the backend connects first and hands the connection over.
 */
public final class AgentHandoff {

    private static final ConcurrentHashMap<Path, AgentConnection> WAITING = new ConcurrentHashMap<>();

    private AgentHandoff() {
    }

    public static void offer(Path agentSocket, AgentConnection connection) {
        AgentConnection previous = WAITING.put(agentSocket.toAbsolutePath(), connection);
        if (previous != null && previous != connection) {
            previous.close();
        }
    }

    /** The waiting connection to {@code agentSocket} if it is still open (taking it). */
    public static Optional<AgentConnection> take(Path agentSocket) {
        return Optional.ofNullable(WAITING.remove(agentSocket.toAbsolutePath())).filter(AgentConnection::isOpen);
    }
}
