package dev.pyro.engine.backend.gvisor;

import dev.pyro.engine.backend.SandboxLimits;
import dev.pyro.engine.host.HostPrivilege;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OCI runtime spec runsc starts: the environment's root (through a per-sandbox overlay), the
 * agent binaries read-only at {@code /run/pyro/bin}, and the guest half of a tiny host tmpfs at
 * {@code /run/pyro-host} where the agent creates its socket ({@link GuestSocketDir}). Plain maps: the spec is JSON with fixed camelCase keys.
 */
final class OciBundle {

    static final String GUEST_BIN = "/run/pyro/bin";
    static final String GUEST_HOST_DIR = "/run/pyro-host";

    private OciBundle() {
    }

    static void write(Path configFile, Path rootfs, Path agentBinDir, Path hostDir, int vcpus, int memMib)
            throws IOException {
        Map<String, Object> process = new LinkedHashMap<>();
        process.put("terminal", false);
        process.put("user", Map.of("uid", 0, "gid", 0));
        List<String> args = new ArrayList<>(List.of(GUEST_BIN + "/pyro-init", "--container",
                "--socket", GUEST_HOST_DIR + "/agent.sock", "--agent", GUEST_BIN + "/pyro-agent"));
        if (!HostPrivilege.current().hostRoot()) {
            // runsc --ignore-cgroups drops linux.resources below: gVisor's own pids cgroup, set up by init,
            // holds the commands to PIDS_MAX instead (memory: the engine's GvisorMemoryWatch; CPU stays unbounded).
            args.addAll(List.of("--pids-max", Integer.toString(SandboxLimits.PIDS_MAX)));
        }
        process.put("args", args);
        process.put("env", List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "HOME=/root", "TERM=xterm"));
        process.put("cwd", "/");
        List<String> caps = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
                "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW",
                "CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP", "CAP_SYS_ADMIN");
        process.put("capabilities", Map.of("bounding", caps, "effective", caps, "permitted", caps));
        process.put("rlimits", List.of(Map.of("type", "RLIMIT_NOFILE", "hard", 65536, "soft", 65536)));

        List<Map<String, Object>> mounts = new ArrayList<>();
        mounts.add(mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")));
        mounts.add(mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
        mounts.add(mount("/dev/pts", "devpts", "devpts",
                List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")));
        mounts.add(mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777")));
        mounts.add(mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")));
        mounts.add(mount("/run", "tmpfs", "tmpfs", List.of("nosuid", "nodev", "mode=755")));
        mounts.add(mount("/tmp", "tmpfs", "tmpfs", List.of("nosuid", "nodev", "mode=1777")));
        mounts.add(mount(GUEST_BIN, "bind", agentBinDir.toString(), List.of("rbind", "ro")));
        mounts.add(mount(GUEST_HOST_DIR, "bind", hostDir.toString(), List.of("rbind", "rw")));

        Map<String, Object> resources = new LinkedHashMap<>();
        if (!GvisorMemoryWatch.enabled(HostPrivilege.current().hostRoot())) {
            resources.put("memory", Map.of("limit", (long) memMib * 1024 * 1024));
        } // else the engine's watch bounds it (selected under root for tests: no cgroup may end it first)
        resources.put("cpu", Map.of("quota", 100_000L * vcpus, "period", 100_000L));
        resources.put("pids", Map.of("limit", SandboxLimits.PIDS_MAX));

        Map<String, Object> linux = new LinkedHashMap<>();
        linux.put("namespaces", List.of(Map.of("type", "pid"), Map.of("type", "network"), Map.of("type", "ipc"),
                Map.of("type", "uts"), Map.of("type", "mount")));
        linux.put("resources", resources);

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("ociVersion", "1.0.0");
        spec.put("process", process);
        spec.put("root", Map.of("path", rootfs.toString(), "readonly", false));
        spec.put("hostname", "pyro");
        spec.put("mounts", mounts);
        spec.put("linux", linux);
        // Plain mapper: these keys are the OCI spec's own camelCase names.
        tools.jackson.databind.json.JsonMapper.builder().build().writerWithDefaultPrettyPrinter()
                .writeValue(configFile.toFile(), spec);
    }

    private static Map<String, Object> mount(String destination, String type, String source, List<String> options) {
        Map<String, Object> mount = new LinkedHashMap<>();
        mount.put("destination", destination);
        mount.put("type", type);
        mount.put("source", source);
        mount.put("options", options);
        return mount;
    }
}
