package dev.pyro.engine.network;

import dev.pyro.api.OutputListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.engine.process.HostCommand;
import dev.pyro.api.Progress;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.engine.workspace.WorkspaceManager;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.api.workspace.service.PublishedPort;
import dev.pyro.api.workspace.service.PublishedPortRequest;
import dev.pyro.api.workspace.service.Readiness;
import dev.pyro.api.workspace.service.ServiceInfo;
import dev.pyro.engine.workspace.service.WorkspaceServices;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Network policies on a real microVM: egress reaches a peer outside the host, the host itself is
 * unreachable from the guest, and published ports are served on 127.0.0.1 only, for as long as
 * their service runs.
 */
class GuestNetworkTest {

    /** A tiny HTTP server on all guest interfaces (perl is in every environment). */
    static String webServer(int port) {
        return "perl -MIO::Socket::INET -e '$s=IO::Socket::INET->new(LocalAddr=>\"0.0.0.0\",LocalPort=>" + port
                + ",Listen=>5,ReuseAddr=>1) or die \"bind: $!\"; print \"listening\\n\"; $|=1; "
                + "while($c=$s->accept){<$c>; print $c \"HTTP/1.0 200 OK\\r\\n\\r\\nok\"; close $c}'";
    }

    @Test
    void egressGoesOutNotToTheHostAndPublishedPortsLiveWithTheirService() throws Exception {
        RealSandboxes.assumeBackendWorks("vm");
        Path state = Files.createTempDirectory("pyro-net-");
        WorkspaceManager manager = new WorkspaceManager(RealSandboxes.paths(state), 4, () -> 0);
        WorkspaceServices services = new WorkspaceServices(manager.context());
        try (PeerNamespace peer = PeerNamespace.start();
             ServerSocket hostService = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
            WorkspaceInfo ws = manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT)
                    .withBackend("vm", false).withSize(1, 512, 600).withNetworkPolicy("EGRESS+published-ports"),
                    Progress.NONE);
            String id = ws.workspaceId();
            assertThat(ws.networkPolicy()).isEqualTo("egress+published-ports");
            assertThat(ws.networkEnabled()).isTrue();
            assertThat(ws.guestIp()).startsWith("172.29.");
            assertThat(linkExists(ws.tapName())).isTrue();

            assertThat(exec(manager, id, "timeout 5 bash -c 'exec 3<>/dev/tcp/" + peer.peerIp + "/"
                    + PeerNamespace.PORT + "; cat <&3'")).isEqualTo(PeerNamespace.GREETING + "\n");
            String gateway = ws.guestIp().substring(0, ws.guestIp().lastIndexOf('.')) + "."
                    + (Integer.parseInt(ws.guestIp().substring(ws.guestIp().lastIndexOf('.') + 1)) - 1);
            for (String hostAddress : List.of(gateway, peer.hostIp)) {
                assertThat(exec(manager, id, "timeout 2 bash -c 'exec 3<>/dev/tcp/" + hostAddress + "/"
                        + hostService.getLocalPort() + "'; echo rc=$?")).isEqualTo("rc=124\n");
            }
            hostService.setSoTimeout(200);
            assertThatThrownBy(hostService::accept).isInstanceOf(SocketTimeoutException.class);

            ServiceInfo web = services.start(id, "web", webServer(8080), null, Readiness.tcp("127.0.0.1:8080"), 30,
                    100, Map.of(), List.of(new PublishedPortRequest(8080, null)));
            assertThat(web.state()).isEqualTo("running");
            assertThat(web.publishedPorts()).hasSize(1);
            PublishedPort port = web.publishedPorts().get(0);
            assertThat(port.host()).isEqualTo("127.0.0.1");
            assertThat(port.guestPort()).isEqualTo(8080);
            assertThat(port.protocol()).isEqualTo("tcp");
            assertThat(httpGet(port.hostPort())).startsWith("HTTP/1.0 200 OK").endsWith("ok");
            assertThat(services.status(id, "web").publishedPorts()).containsExactly(port);
            assertThat(listeners(port.hostPort())).containsExactly("0100007F"); // loopback only

            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                int busy = taken.getLocalPort();
                assertThatThrownBy(() -> services.start(id, "web2", webServer(8081), null, null, 30, 100, Map.of(),
                        List.of(new PublishedPortRequest(8081, busy))))
                        .isInstanceOf(PyroException.class)
                        .hasMessage("host port " + busy + " is already in use on 127.0.0.1; choose another host_port"
                                + " or leave it out to get a free one");
            }
            assertThat(services.list(id).services()).extracting(ServiceInfo::serviceName).containsExactly("web");

            assertThat(services.stop(id, "web").state()).isEqualTo("stopped");
            assertThat(proxies(id)).isEmpty();
            assertThatThrownBy(() -> httpGet(port.hostPort())).isInstanceOf(ConnectException.class);

            int fixed;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                fixed = probe.getLocalPort();
            }
            ServiceInfo again = services.start(id, "web", webServer(8080), null, Readiness.tcp("127.0.0.1:8080"), 30,
                    100, Map.of(), List.of(new PublishedPortRequest(8080, fixed)));
            assertThat(again.publishedPorts()).extracting(PublishedPort::hostPort).containsExactly(fixed);
            assertThat(httpGet(fixed)).endsWith("ok");
            assertThat(proxies(id)).isNotEmpty(); // the listener, and maybe a child of the request just served

            manager.stop(id);
            assertThat(proxies(id)).isEmpty();
            assertThatThrownBy(() -> httpGet(fixed)).isInstanceOf(ConnectException.class);
            assertThat(linkExists(ws.tapName())).isFalse();

            manager.start(id);
            assertThat(exec(manager, id, "timeout 5 bash -c 'exec 3<>/dev/tcp/" + peer.peerIp + "/"
                    + PeerNamespace.PORT + "; cat <&3'")).isEqualTo(PeerNamespace.GREETING + "\n");
            manager.delete(id);
            assertThat(linkExists(ws.tapName())).isFalse();
        } finally {
            manager.list().workspaces().forEach(w -> manager.delete(w.workspaceId()));
            manager.close();
            FileTrees.deleteRecursively(state);
        }
    }

    @Test
    void policiesAndPublishRequestsAreCheckedBeforeAnythingStarts() throws Exception {
        RealSandboxes.assumeBackendWorks("gvisor");
        Path state = Files.createTempDirectory("pyro-net-bad-");
        WorkspaceManager manager = new WorkspaceManager(RealSandboxes.paths(state), 4, () -> 0);
        WorkspaceServices services = new WorkspaceServices(manager.context());
        try {
            assertThatThrownBy(() -> manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT)
                    .withNetworkPolicy("everything"), Progress.NONE))
                    .hasMessage("network_policy must be one of: off, egress, egress+published-ports");
            assertThatThrownBy(() -> manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT)
                    .withBackend("gvisor", false).withNetworkPolicy("egress"), Progress.NONE))
                    .hasMessageContaining("--backend vm");
            assertThat(manager.list().count()).isZero();
            assertThat(Files.list(state.resolve("workspaces")).toList()).isEmpty();

            String id = manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("gvisor", false),
                    Progress.NONE).workspaceId();
            assertThat(manager.status(id).networkEnabled()).isFalse();
            assertThat(exec(manager, id, "timeout 2 bash -c 'exec 3<>/dev/tcp/198.18.0.1/80' 2>/dev/null; echo rc=$?"))
                    .isNotEqualTo("rc=0\n");
            assertThatThrownBy(() -> services.start(id, "web", "sleep 60", null, null, 30, 100, Map.of(),
                    List.of(new PublishedPortRequest(8080, null))))
                    .hasMessageStartingWith("published ports require workspace network_policy 'egress+published-ports'");
            Map<List<?>, String> bad = Map.of(
                    List.of(Map.of("guest_port", 0)), "published guest_port must be between 1 and 65535",
                    List.of(Map.of("guest_port", true)), "published guest_port must be an integer",
                    List.of(Map.of("guest_port", 8080, "host_port", 80)),
                    "published host_port must be between 1025 and 65535",
                    List.of(Map.of("guest_port", 8080), Map.of("guest_port", 8080)),
                    "published ports must not repeat the same host/guest port mapping",
                    List.of("8080"), "published port #1 must be a dictionary");
            bad.forEach((ports, message) -> assertThatThrownBy(() -> services.start(id, "web", "sleep 60", null, null,
                    30, 100, Map.of(), ports)).hasMessage(message));
            assertThat(services.list(id).count()).isZero();
            assertThatThrownBy(() -> PublishedPortRequest.parse("80:90:100"))
                    .hasMessageStartingWith("--publish must be GUEST_PORT or HOST_PORT:GUEST_PORT");
            assertThat(PublishedPortRequest.parse("18080:8080")).isEqualTo(new PublishedPortRequest(8080, 18080));
        } finally {
            manager.list().workspaces().forEach(w -> manager.delete(w.workspaceId()));
            manager.close();
            FileTrees.deleteRecursively(state);
        }
    }

    private static String exec(WorkspaceManager manager, String id, String command) {
        return manager.exec(id, command, 30, OutputListener.NONE).stdout();
    }

    private static boolean linkExists(String name) throws IOException, InterruptedException {
        return HostCommand.of("ip", "link", "show", name).runAllowingFailure().exitCode() == 0;
    }

    /** The published-port proxies of a workspace still running on the host. */
    private static List<ProcessHandle> proxies(String id) {
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"))
                        .contains("-lppyro-port-" + id + "-");
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }).filter(ProcessHandle::isAlive).toList();
    }

    /** The local addresses (hex, as in /proc/net/tcp) listening on {@code port}. */
    static List<String> listeners(int port) throws IOException {
        String suffix = String.format(":%04X", port);
        return Files.readAllLines(Path.of("/proc/net/tcp")).stream().skip(1).map(l -> l.trim().split("\\s+"))
                .filter(f -> f[1].endsWith(suffix) && f[3].equals("0A")).map(f -> f[1].substring(0, 8)).toList();
    }

    private static String httpGet(int port) throws IOException {
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
