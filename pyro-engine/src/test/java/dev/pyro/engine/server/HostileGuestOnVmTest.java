package dev.pyro.engine.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.server.EngineProtocol.ServiceParams;
import dev.pyro.engine.workspace.WorkspaceExecResult;
import dev.pyro.engine.workspace.WorkspaceInfo;
import dev.pyro.engine.workspace.service.ServiceInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hostile-guest cases on a microVM (QEMU under TCG here), one 256 MiB workspace: a memory hog
 * meets the guest kernel's OOM killer inside the VM's fixed memory, the host's QEMU stays within
 * that plus its own overhead, and a service that ignores SIGTERM is killed.
 */
class HostileGuestOnVmTest {

    EngineFixture fixture;
    EngineClient client;
    String id;

    @BeforeEach
    void setUp() throws Exception {
        RealSandboxes.assumeBackendWorks("vm");
        fixture = new EngineFixture();
        RealSandboxes.environment(fixture.paths);
        client = fixture.client();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fixture != null) {
            if (id != null) {
                EngineWorkspaces.deleteQuietly(client, id);
            }
            fixture.close();
        }
    }

    @Test
    void aMemoryHogAndAStubbornServiceStayInsideTheVm() throws Exception {
        id = EngineWorkspaces.create(client, "vm", 256);
        WorkspaceExecResult hog = EngineWorkspaces.exec(client, id,
                "perl -e '$x = \"x\" x (1024*1024*1024); print \"allocated\\n\"'; echo exit=$?", 120);
        long rssMib = qemuRssMib(id);
        System.out.printf("vm memory hog: 1 GiB asked in a 256 MiB VM: '%s', QEMU RSS %d MiB%n",
                (hog.stdout() + hog.stderr()).trim().replace('\n', ' '), rssMib);
        assertThat(hog.stdout()).doesNotContain("allocated").contains("exit=");
        assertThat(rssMib).isLessThan(256 + 256); // the guest's RAM plus QEMU's own overhead under TCG
        WorkspaceInfo status = EngineWorkspaces.status(client, id);
        assertThat(status.state()).isEqualTo("started");
        assertThat(EngineWorkspaces.exec(client, id, "echo alive", 30).stdout()).isEqualTo("alive\n");

        // ready only once the trap is set: a TERM that came earlier would end it the ordinary way
        ServiceParams start = new ServiceParams(id, "stubborn",
                "trap '' TERM; touch .stubborn-ready; while :; do sleep 1; done", null,
                dev.pyro.engine.workspace.service.Readiness.file(".stubborn-ready"), 60, 100, null, null, null, false);
        assertThat(client.call(EngineProtocol.START_SERVICE, start, ServiceInfo.class).state()).isEqualTo("running");
        long t0 = System.nanoTime();
        ServiceInfo stopped = client.call(EngineProtocol.STOP_SERVICE, ServiceParams.of(id, "stubborn"),
                ServiceInfo.class);
        System.out.printf("vm service ignoring SIGTERM: stop_reason=%s after %d ms%n", stopped.stopReason(),
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(stopped.state()).isEqualTo("stopped");
        assertThat(stopped.stopReason()).isEqualTo("sigkill");
        assertThat(EngineWorkspaces.exec(client, id, "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline "
                + "2>/dev/null; echo; done | grep -c 'while [:]'", 30).stdout()).isEqualTo("0\n"); // none left
    }

    /** VmRSS of the QEMU process whose command line names this workspace. */
    private long qemuRssMib(String workspaceId) throws Exception {
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            Path proc = Path.of("/proc", Long.toString(p.pid()));
            try {
                String cmdline = Files.readString(proc.resolve("cmdline")).replace('\0', ' ');
                if (cmdline.startsWith("qemu-system") && cmdline.contains(workspaceId)) {
                    for (String line : Files.readAllLines(proc.resolve("status"))) {
                        if (line.startsWith("VmRSS:")) {
                            return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                        }
                    }
                }
            } catch (java.io.IOException e) {
                // gone meanwhile
            }
        }
        throw new AssertionError("no QEMU process for workspace " + workspaceId);
    }
}
