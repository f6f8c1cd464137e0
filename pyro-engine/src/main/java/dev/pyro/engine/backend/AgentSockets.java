package dev.pyro.engine.backend;

import dev.pyro.protocol.AgentConnection;
import dev.pyro.protocol.AgentConnectionException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Dials an agent socket that sits in a directory the guest can write (gVisor). connect(2) follows
 * a symlink, so dialing that path would let the guest point the engine at any socket on the host.
 * Instead the entry is hard-linked into a private sibling directory (link(2) links
 * the entry itself, never a symlink's target, and cannot race: the link is what is checked and
 * dialed), the link must be a socket, and it is removed once dialed.
 */
public final class AgentSockets {

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private AgentSockets() {
    }

    /**
     * Where the engine's private links to {@code socket} go: beside the guest's dir, never in it, on
     * the same filesystem ({@code sock/e} beside {@code sock/g}; {@code engine} beside the plain
     * {@code host} dir of a sandbox started before the socket had its own tmpfs).
     */
    public static Path linkDir(Path socket) {
        return socket.getParent().resolveSibling(socket.getParent().getFileName().toString().equals("host") ? "engine" : "e");
    }

    /** Connects like {@link AgentConnection#connectUnix(Path, Duration, AgentConnection.Options)}, through a private link. */
    public static AgentConnection connect(Path socket, Duration wait, AgentConnection.Options options) {
        long deadline = System.nanoTime() + wait.toNanos();
        int restarts = 0;
        while (true) {
            try {
                return connectOnce(socket, options);
            } catch (Restarted e) {
                if (++restarts > 3) {
                    throw e;
                }
                // a new agent replaced the socket while we spoke to the old one: dial it at once
            } catch (AgentConnectionException e) {
                if (!"connection_failed".equals(e.code()) || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** True once {@code socket} is a socket that accepts a connection (no hello). */
    public static boolean accepts(Path socket) {
        Path link;
        try {
            link = pin(socket);
        } catch (AgentConnectionException e) {
            return false;
        }
        try (java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            channel.connect(java.net.UnixDomainSocketAddress.of(link));
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            deleteQuietly(link);
        }
    }

    /** True when an entry (of any kind, a symlink included) is at {@code socket}. */
    public static boolean present(Path socket) {
        return Files.exists(socket, LinkOption.NOFOLLOW_LINKS);
    }

    private static AgentConnection connectOnce(Path socket, AgentConnection.Options options) {
        Path link = pin(socket);
        Object dialed = fileKey(link);
        try {
            return AgentConnection.connectUnix(link, options);
        } catch (dev.pyro.protocol.AgentException e) {
            // runsc keeps the host end of a dead agent's socket listening: a dial then gets no hello.
            Object now = fileKey(socket);
            if (now != null && !now.equals(dialed) && isSocket(socket)) {
                throw new Restarted(socket, e);
            }
            throw e;
        } finally {
            deleteQuietly(link);
        }
    }

    /** True when the entry at {@code socket} itself (not a link's target) is a socket. */
    public static boolean isSocket(Path socket) {
        try {
            return (((Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & S_IFMT) == S_IFSOCK;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** The socket entry now is another socket than the one dialed: the agent was restarted meanwhile. */
    private static final class Restarted extends AgentConnectionException {
        Restarted(Path socket, RuntimeException cause) {
            super("connection_failed", "the agent at " + socket + " was restarted while connecting: "
                    + cause.getMessage(), cause);
        }
    }

    /** A private hard link to the entry at {@code socket}, checked to be a socket. */
    static Path pin(Path socket) {
        Path dir = linkDir(socket);
        Path link = null;
        try {
            Files.createDirectories(dir);
            for (int attempt = 0; link == null; attempt++) {
                // No longer than "g/agent.sock": a Unix socket path has at most 107 bytes.
                Path candidate = dir.resolve("a" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
                try {
                    Files.createLink(candidate, socket); // link(2): the entry itself, a symlink stays a symlink
                    link = candidate;
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    if (attempt > 5) {
                        throw e;
                    }
                }
            }
        } catch (FileSystemException e) {
            throw new AgentConnectionException("connection_failed", "cannot connect to the agent at " + socket
                    + ": " + (Files.exists(socket, LinkOption.NOFOLLOW_LINKS) ? "not a socket" : "no socket yet"), e);
        } catch (IOException e) {
            throw new AgentConnectionException("connection_failed",
                    "cannot connect to the agent at " + socket + ": " + e.getMessage(), e);
        }
        if (!isSocket(link)) {
            deleteQuietly(link);
            throw new AgentConnectionException("connection_failed",
                    "cannot connect to the agent at " + socket + ": not a socket (the guest put something else there)", null);
        }
        return link;
    }

    private static void deleteQuietly(Path link) {
        try {
            Files.deleteIfExists(link);
        } catch (IOException e) {
            // a leftover link in the private dir is harmless; the tmpfs goes at stop
        }
    }
}
