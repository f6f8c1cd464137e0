package dev.pyro.engine.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.api.PyroPaths;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A sandbox record read back from disk is believed only where it agrees with what the engine made. */
class SandboxRecordCheckTest {

    final PyroPaths paths = new PyroPaths(Path.of("/c/pyro"), Path.of("/s/pyro"), Path.of("/c/pyro/environments"));
    final Path work = Path.of("/s/pyro/workspaces/0123456789ab/runtime");

    SandboxRecord gvisor(Map<String, String> extra) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("rootfs_lower", "/c/pyro/environments/linux-x86_64/debian-12/rootfs");
        metadata.put("container_id", "pyro-0123456789ab");
        metadata.put("console_log_path", work.resolve("console.log").toString());
        metadata.putAll(extra);
        return new SandboxRecord("0123456789ab", "gvisor", "guest_gvisor", work, work.resolve("host/agent.sock"), 42,
                metadata);
    }

    String problem(SandboxRecord sandbox) {
        return SandboxRecordCheck.problem(sandbox, "0123456789ab", "gvisor", work, paths);
    }

    @Test
    void whatTheEngineMadePasses() {
        assertThat(problem(gvisor(Map.of()))).isNull();
        assertThat(problem(null)).isNull();
    }

    @Test
    void anythingPointingElsewhereIsRefused() {
        SandboxRecord ok = gvisor(Map.of());
        assertThat(problem(new SandboxRecord("fedcba987654", "gvisor", "x", work, ok.agentSocket(), 1, ok.metadata())))
                .contains("belongs to 'fedcba987654'");
        assertThat(problem(new SandboxRecord("0123456789ab", "host", "x", work, ok.agentSocket(), 1, ok.metadata())))
                .contains("backend 'host' is not the record's 'gvisor'");
        assertThat(problem(new SandboxRecord("0123456789ab", "gvisor", "x", Path.of("/home/me/project"),
                ok.agentSocket(), 1, ok.metadata()))).contains("sandbox dir /home/me/project");
        assertThat(problem(new SandboxRecord("0123456789ab", "gvisor", "x", work.resolve("../../x/runtime"),
                ok.agentSocket(), 1, ok.metadata()))).contains("sandbox dir");
        assertThat(problem(new SandboxRecord("0123456789ab", "gvisor", "x", work, Path.of("/run/docker.sock"), 1,
                ok.metadata()))).contains("agent socket");
        assertThat(problem(gvisor(Map.of("rootfs_lower", "/")))).contains("rootfs_lower / is outside Pyro's caches");
        assertThat(problem(gvisor(Map.of("rootfs_lower", "/c/pyro/../../etc")))).contains("outside Pyro's caches");
        assertThat(problem(gvisor(Map.of("host_dir", "/root")))).contains("host_dir /root is outside");
        assertThat(problem(gvisor(Map.of("console_log_path", work + "/../../../../etc/passwd")))).contains("outside");
        assertThat(problem(gvisor(Map.of("container_id", "--root=/")))).contains("container id");
        assertThat(problem(gvisor(Map.of("network_tap", "eth0; rm -rf /")))).contains("network_tap");
    }

    @Test
    void processMatchesEndAtAPathComponentAndNeverOnABroadMarker() {
        String cmd = "runsc --root=/s/pyro/workspaces/0123456789ab/runtime/runsc run x";
        assertThat(SandboxProcesses.mentions(cmd, "/s/pyro/workspaces/0123456789ab")).isTrue();
        assertThat(SandboxProcesses.mentions(cmd, "--root=/s/pyro/workspaces/0123456789ab/runtime/runsc")).isTrue();
        assertThat(SandboxProcesses.mentions(cmd, "/s/pyro/workspaces/0123456789a")).isFalse();
        assertThat(SandboxProcesses.mentions(cmd, "/")).isFalse();
        assertThat(SandboxProcesses.mentions(cmd, "/s")).isFalse();
        assertThat(SandboxProcesses.mentions(cmd, "/s/pyro/workspaces/x/..")).isFalse();
        assertThat(SandboxProcesses.mentions(cmd, "runsc")).isFalse();
        assertThat(SandboxProcesses.mentions("qemu -drive file=/s/v/abc/disk.qcow2,if=virtio", "/s/v/abc")).isTrue();
    }
}
