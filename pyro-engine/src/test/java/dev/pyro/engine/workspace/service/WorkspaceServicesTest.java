package dev.pyro.engine.workspace.service;

import dev.pyro.api.OutputListener;
import dev.pyro.api.workspace.service.Readiness;
import dev.pyro.api.workspace.service.ServiceInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Progress;
import dev.pyro.engine.workspace.GvisorManager;
import dev.pyro.engine.workspace.WorkspaceFiles;
import dev.pyro.engine.workspace.WorkspaceManager;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.test.SandboxTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Services on a real gVisor workspace: each readiness kind, failures, logs, stop. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SandboxTest
class WorkspaceServicesTest {

    // A tiny HTTP server from Debian's essential perl: no extra packages in the guest.
    static String server(int port) {
        return "perl -MIO::Socket::INET -e '$s=IO::Socket::INET->new(LocalAddr=>\"127.0.0.1\",LocalPort=>" + port
                + ",Listen=>5,ReuseAddr=>1) or die \"bind: $!\"; print \"listening\\n\"; $|=1; "
                + "while($c=$s->accept){<$c>; print $c \"HTTP/1.0 200 OK\\r\\n\\r\\nok\"; close $c}'";
    }

    GvisorManager gvisor;
    Path state;
    WorkspaceManager manager;
    WorkspaceServices services;
    String id;

    @BeforeAll
    void setUp() throws Exception {
        gvisor = GvisorManager.open("pyro-services-", 4);
        state = gvisor.state;
        manager = gvisor.manager;
        services = new WorkspaceServices(manager.context());
        id = gvisor.create();
    }

    @AfterAll
    void tearDown() throws Exception {
        if (gvisor != null) {
            gvisor.close();
        }
    }

    ServiceInfo start(String name, String command, Readiness readiness, int timeout) {
        return services.start(id, name, command, null, readiness, timeout, 100, Map.of(), List.of());
    }

    @Test
    void httpAndTcpReadinessAndLogsAndStop() {
        ServiceInfo web = start("web", server(8080), Readiness.http("http://127.0.0.1:8080/health"), 20);
        assertThat(web.state()).isEqualTo("running");
        assertThat(web.readyAt()).isNotNull();
        assertThat(manager.exec(id, "timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080; printf \"GET / HTTP/1.0\\r\\n\\r\\n\" >&3; cat <&3'",
                30, OutputListener.NONE).stdout()).contains("200 OK").endsWith("ok");
        ServiceInfo tcp = start("tcp", server(8081), Readiness.tcp("127.0.0.1:8081"), 20);
        assertThat(tcp.state()).isEqualTo("running");

        ServiceInfo.Listing listing = services.list(id);
        assertThat(listing.count()).isEqualTo(2);
        assertThat(listing.runningCount()).isEqualTo(2);
        assertThat(services.logs(id, "web", 200).stdout()).isEqualTo("listening\n");
        assertThat(manager.status(id).runningServiceCount()).isGreaterThanOrEqualTo(2);
        assertThatThrownBy(() -> start("web", "sleep 100", null, 5))
                .hasMessage("service 'web' is already running in workspace '" + id + "'");

        ServiceInfo stopped = services.stop(id, "web");
        assertThat(stopped.state()).isEqualTo("stopped");
        assertThat(stopped.stopReason()).isEqualTo("sigterm");
        assertThat(services.stop(id, "tcp").state()).isEqualTo("stopped");
        // service logs live outside /workspace: a diff never sees them
        assertThat(new WorkspaceFiles(manager.context()).diff(id).entries()).isEmpty();
    }

    @Test
    void fileAndCommandReadinessAndAnExitLaterIsSeen() {
        ServiceInfo file = start("filed", "sleep 0.3; touch /tmp/filed-ready; echo up; sleep 1; exit 4",
                Readiness.command("test -e /tmp/filed-ready"), 20);
        assertThat(file.state()).isEqualTo("running");
        long deadline = System.currentTimeMillis() + 10_000;
        ServiceInfo later = services.status(id, "filed");
        while (later.state().equals("running") && System.currentTimeMillis() < deadline) {
            later = services.status(id, "filed");
        }
        assertThat(later.state()).isEqualTo("exited");
        assertThat(later.exitCode()).isEqualTo(4);

        ServiceInfo ready = start("marker", "touch .svc-ready; sleep 100", Readiness.file(".svc-ready"), 20);
        assertThat(ready.readiness().path()).isEqualTo("/workspace/.svc-ready");
        assertThat(ready.state()).isEqualTo("running");
        services.stop(id, "marker");
        manager.exec(id, "rm -f .svc-ready", 30, OutputListener.NONE);
    }

    /** Before, a log over 4 MiB came back empty and unmarked, as if the service had printed nothing. */
    @Test
    void aLogOverTheReadLimitShowsItsEndMarkedTruncated() {
        // its own workspace: the other tests count the services of theirs
        String own = manager.create(WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("gvisor", false),
                Progress.NONE).workspaceId();
        ServiceInfo big = services.start(own, "big", "head -c 5000000 /dev/zero | tr '\\0' a; echo; echo last line; "
                + "sleep 300", null, Readiness.command("grep -q 'last line' /run/pyro-services/big.stdout"), 30, 100,
                Map.of(), List.of());
        assertThat(big.state()).isEqualTo("running");
        ServiceInfo tail = services.logs(own, "big", 1);
        assertThat(tail.stdout()).isEqualTo("last line\n");
        assertThat(tail.truncated()).isTrue();
        ServiceInfo all = services.logs(own, "big", null);
        assertThat(all.stdout()).endsWith("last line\n").hasSizeLessThanOrEqualTo(4 * 1024 * 1024);
        assertThat(all.truncated()).isTrue();
        manager.delete(own);
    }

    @Test
    void readinessThatNeverComesOrAProcessThatDiesFails() {
        ServiceInfo dies = start("dies", "echo oops >&2; exit 3", Readiness.file("never"), 10);
        assertThat(dies.state()).isEqualTo("failed");
        assertThat(dies.stopReason()).isEqualTo("process_exited_before_ready");
        assertThat(dies.exitCode()).isEqualTo(3);
        assertThat(services.logs(id, "dies", null).stderr()).isEqualTo("oops\n");

        ServiceInfo slow = start("slow", "sleep 300", Readiness.file("never"), 1);
        assertThat(slow.state()).isEqualTo("failed");
        assertThat(slow.stopReason()).isEqualTo("readiness_timeout");
        assertThat(manager.exec(id, "ps -eo args | grep -c '^sleep 300' || true", 30, OutputListener.NONE)
                .stdout().trim()).isEqualTo("0");
    }

    @Test
    void badRequestsAreRefused() {
        assertThatThrownBy(() -> start("bad name", "true", null, 5))
                .hasMessage("service_name must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
        assertThatThrownBy(() -> start("x", "true", new Readiness("smoke", null, null, null, null), 5))
                .hasMessage("readiness.type must be one of: file, tcp, http, command");
        assertThatThrownBy(() -> start("x", "true", Readiness.tcp("localhost"), 5))
                .hasMessage("readiness.address must be in HOST:PORT format");
        assertThatThrownBy(() -> services.start(id, "x", "true", null, null, 5, 100, Map.of(),
                List.of(Map.of("guest_port", 8080))))
                .hasMessageStartingWith("published ports require workspace network_policy 'egress+published-ports'");
        assertThatThrownBy(() -> services.status(id, "ghost"))
                .hasMessage("service 'ghost' does not exist in workspace '" + id + "'");
    }
}
