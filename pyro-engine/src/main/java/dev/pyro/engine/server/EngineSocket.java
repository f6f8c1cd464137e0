package dev.pyro.engine.server;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** Connecting to an engine's Unix socket. */
final class EngineSocket {

    private EngineSocket() {
    }

    static SocketChannel connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Something listens there (it sees a connection that asks nothing, and drops it). */
    static boolean answers(Path socket) {
        try {
            connect(socket).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
