package dev.pyro.cli.rootless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.api.Json;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A vm workspace with a network and a published port, as an ordinary account: a tiny HTTP server in
 * the guest answers the host on 127.0.0.1:PORT, the port is bound on the loopback only, the guest
 * cannot reach a service on the host's loopback through its gateway, and delete closes the port.
 * The account builds debian:12 itself; its guest kernel is the test run's (see
 * {@link OrdinaryUser#copyKernelFromTestRun}).
 */
@Tag("rootless")
class RootlessPublishedPortTest {

    /** Answers every connection with "ok" (perl is in every environment). */
    static final String WEB_SERVER = "$s=IO::Socket::INET->new(LocalAddr=>\"0.0.0.0\",LocalPort=>8080,Listen=>5,"
            + "ReuseAddr=>1) or die \"bind: $!\"; $|=1; while($c=$s->accept){<$c>; "
            + "print $c \"HTTP/1.0 200 OK\\r\\n\\r\\nok from the guest\"; close $c}";

    OrdinaryUser user;

    @BeforeEach
    void setUp() throws Exception {
        user = OrdinaryUser.create("port");
        user.copyPackageCacheFromTestRun();
        user.copyKernelFromTestRun();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (user != null) {
            user.close();
        }
    }

    @Test
    void aPublishedPortServesTheHostOnLoopbackOnly() throws Exception {
        OrdinaryUser.Result created = user.pyro("workspace", "create", "debian:12", "--backend", "vm",
                "--network-policy", "egress+published-ports", "--id-only");
        assertThat(created.exitCode()).as(created.describe()).isZero();
        String id = created.stdout().trim();
        assertThat(id).matches("[0-9a-f]{12}");

        OrdinaryUser.Result started = user.pyro("workspace", "service", "start", id, "web", "--ready-tcp",
                "127.0.0.1:8080", "--publish", "8080", "--", "perl", "-MIO::Socket::INET", "-e", WEB_SERVER);
        assertThat(started.exitCode()).as(started.describe()).isZero();
        OrdinaryUser.Result status = user.pyro("workspace", "service", "status", id, "web", "--json");
        assertThat(status.exitCode()).as(status.describe()).isZero();
        JsonNode port = Json.MAPPER.readTree(status.stdout()).get("published_ports").get(0);
        assertThat(port.get("host").asString()).isEqualTo("127.0.0.1");
        int hostPort = port.get("host_port").asInt();

        assertThat(httpGet(hostPort)).startsWith("HTTP/1.0 200 OK").endsWith("ok from the guest");
        assertThat(RootlessChecks.listeners(hostPort)).isNotEmpty().containsOnly("0100007F"); // 127.0.0.1 only

        // The host's loopback stays out of reach: a service root runs on 127.0.0.1, tried through the
        // guest's default gateway (user-mode networking maps the gateway to the host unless told not to).
        try (ServerSocket hostService = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            String probe = "gw=$(awk '$2==\"00000000\"{print $3; exit}' /proc/net/route); "
                    + "ip=$(printf '%d.%d.%d.%d' 0x${gw:6:2} 0x${gw:4:2} 0x${gw:2:2} 0x${gw:0:2}); echo gateway=$ip; "
                    + "timeout 3 bash -c \"exec 3<>/dev/tcp/$ip/" + hostService.getLocalPort() + "\"; echo rc=$?";
            OrdinaryUser.Result reach = user.pyro("workspace", "exec", id, "--", "bash", "-c", probe);
            assertThat(reach.exitCode()).as(reach.describe()).isZero();
            assertThat(reach.stdout()).containsPattern("gateway=\\d+\\.\\d+\\.\\d+\\.\\d+").doesNotContain("rc=0");
            hostService.setSoTimeout(200);
            try (Socket accepted = hostService.accept()) {
                throw new AssertionError("the guest reached the host's loopback service from " + accepted);
            } catch (SocketTimeoutException expected) {
                // nothing came through
            }
        }

        OrdinaryUser.Result deleted = user.pyro("workspace", "delete", id);
        assertThat(deleted.exitCode()).as(deleted.describe()).isZero();
        assertThat(RootlessChecks.listeners(hostPort)).isEmpty();
    }

    static String httpGet(int port) throws Exception {
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
