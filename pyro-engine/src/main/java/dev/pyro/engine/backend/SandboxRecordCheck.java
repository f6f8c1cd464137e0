package dev.pyro.engine.backend;

import dev.pyro.api.PyroPaths;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A sandbox record read back from disk is trusted only as far as it agrees with what the engine
 * itself made: its id is its owner's id, its work dir is the one the engine gives that owner, its
 * backend is the owner's, and every path in it lies inside the work dir or Pyro's caches. A
 * record that says otherwise (planted, copied from another workspace, edited) could make the
 * engine kill unrelated processes, mount another directory into a guest or run a host agent,
 * so it is refused whole with the reason; nothing in it is used.
 */
public final class SandboxRecordCheck {

    /** Paths the engine puts inside the sandbox's own work dir. */
    private static final Set<String> IN_WORK_DIR = Set.of("console_log_path", "serial_log_path", "host_dir",
            "rootfs_image");
    /** Paths into Pyro's caches (environments, kernels, initramfs, warm templates). */
    private static final Set<String> IN_CACHES = Set.of("rootfs_lower", "rootfs_base_image", "kernel_image",
            "initramfs", "template_dir", "template_state");
    private static final Pattern TAP = Pattern.compile("[A-Za-z0-9_-]{1,15}");

    private SandboxRecordCheck() {
    }

    /**
     * Null if {@code sandbox} is one the engine made for {@code ownerId} in {@code workDir} with
     * {@code backend}; else why not (one line, for the error that refuses the record).
     */
    public static String problem(SandboxRecord sandbox, String ownerId, String backend, Path workDir, PyroPaths paths) {
        if (sandbox == null) {
            return null;
        }
        if (!ownerId.equals(sandbox.id())) {
            return "its sandbox belongs to '" + sandbox.id() + "'";
        }
        if (backend == null || !backend.equals(sandbox.backend())) {
            return "its sandbox backend '" + sandbox.backend() + "' is not the record's '" + backend + "'";
        }
        Path expected = workDir.toAbsolutePath().normalize();
        if (sandbox.workDir() == null || !expected.equals(sandbox.workDir().toAbsolutePath().normalize())) {
            return "its sandbox dir " + sandbox.workDir() + " is not " + expected;
        }
        if (!inside(sandbox.agentSocket(), expected)) {
            return "its agent socket " + sandbox.agentSocket() + " is outside " + expected;
        }
        Map<String, String> metadata = sandbox.metadata() == null ? Map.of() : sandbox.metadata();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (IN_WORK_DIR.contains(key) && !inside(path(value), expected)) {
                return "its " + key + " " + value + " is outside " + expected;
            }
            if (IN_CACHES.contains(key) && !inside(path(value), paths.cacheDir().toAbsolutePath().normalize())
                    && !inside(path(value), paths.environmentCacheDir().toAbsolutePath().normalize())) {
                return "its " + key + " " + value + " is outside Pyro's caches";
            }
        }
        String container = metadata.get("container_id");
        if (container != null && !container.equals("pyro-" + ownerId)) {
            return "its container id '" + container + "' is not pyro-" + ownerId;
        }
        String tap = metadata.get("network_tap");
        if (tap != null && !TAP.matcher(tap).matches()) {
            return "its network_tap '" + tap + "' is not an interface name";
        }
        return null;
    }

    private static Path path(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** Lexically inside (no {@code ..} left after normalizing), absolute, and not {@code root} itself. */
    static boolean inside(Path path, Path root) {
        if (path == null || !path.isAbsolute()) {
            return false;
        }
        Path normal = path.normalize();
        return normal.startsWith(root) && !normal.equals(root);
    }
}
