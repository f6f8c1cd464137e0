package dev.pyro.engine.network;

import dev.pyro.api.OutputListener;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.engine.workspace.WorkspaceManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The probes the guest network tests share (bridged {@link GuestNetworkTest} and rootless
 * {@link RootlessGuestNetworkTest}): a web server to run in the guest, a command's stdout, a GET
 * through a published port, and who listens on a host port.
 */
final class NetworkProbes {

    private NetworkProbes() {
    }

    /** A tiny HTTP server on all guest interfaces (perl is in every environment). */
    static String webServer(int port) {
        return "perl -MIO::Socket::INET -e '$s=IO::Socket::INET->new(LocalAddr=>\"0.0.0.0\",LocalPort=>" + port
                + ",Listen=>5,ReuseAddr=>1) or die \"bind: $!\"; print \"listening\\n\"; $|=1; "
                + "while($c=$s->accept){<$c>; print $c \"HTTP/1.0 200 OK\\r\\n\\r\\nok\"; close $c}'";
    }

    static String exec(WorkspaceManager manager, String id, String command) {
        return manager.exec(id, command, 30, OutputListener.NONE).stdout();
    }

    /** The local addresses (hex, as in /proc/net/tcp) listening on {@code port}. */
    static List<String> listeners(int port) throws IOException {
        String suffix = String.format(":%04X", port);
        return Files.readAllLines(Path.of("/proc/net/tcp")).stream().skip(1).map(l -> l.trim().split("\\s+"))
                .filter(f -> f[1].endsWith(suffix) && f[3].equals("0A")).map(f -> f[1].substring(0, 8)).toList();
    }

    /** A plain HTTP/1.0 GET of / on the host's loopback at {@code port}: the whole reply. */
    static String httpGet(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
