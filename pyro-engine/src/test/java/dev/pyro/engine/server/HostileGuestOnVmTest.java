package dev.pyro.engine.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.api.workspace.WorkspaceExecResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every hostile-guest case of {@link HostileGuestTest} on microVMs (QEMU under TCG here). The limits
 * sit inside the guest: its kernel's OOM killer within the VM's fixed memory (the agent is exempt)
 * and the pids cgroup every command runs in.
 */
class HostileGuestOnVmTest extends HostileGuestTest {

    @Override
    String backend() {
        return "vm";
    }

    /** No host cgroup to read here: the bound is QEMU's RSS, the guest's RAM plus QEMU's own overhead. */
    @Override
    @Test
    void aMemoryHogStaysInsideItsLimit() throws Exception {
        String hog = create(256);
        WorkspaceExecResult result = EngineWorkspaces.exec(client, hog,
                "perl -e '$x = \"x\" x (1024*1024*1024); print \"allocated\\n\"'; echo exit=$?", 120);
        long rssMib = qemuRssMib(hog);
        System.out.printf("vm memory hog: 1 GiB asked in a 256 MiB VM: '%s', QEMU RSS %d MiB%n",
                (result.stdout() + result.stderr()).trim().replace('\n', ' '), rssMib);
        assertThat(result.stdout()).doesNotContain("allocated").contains("exit=");
        assertThat(rssMib).isLessThan(256 + 256);
        assertThat(EngineWorkspaces.status(client, hog).state()).isEqualTo("started");
        assertThat(EngineWorkspaces.exec(client, hog, "echo alive", 30).stdout()).isEqualTo("alive\n");
    }

    /** VmRSS of the QEMU process whose command line names this workspace. */
    private static long qemuRssMib(String workspaceId) throws Exception {
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
