package dev.pyro.engine.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What this process may do to the host, which decides how sandboxes are set up:
 * <ul>
 *   <li>{@link #ROOT}: uid 0 of the host (the initial user namespace): everything, as in round 1
 *       (loop devices, host cgroups, TAP devices and nftables in the host's network).</li>
 *   <li>{@link #USER_NAMESPACE}: uid 0 of a user namespace that Pyro made for an ordinary user
 *       ({@link UserNamespace}): mounts of its own (overlay, tmpfs, bind) and every uid of the
 *       user's subordinate range, but no loop devices, no host cgroups and no devices in the host's
 *       network namespace.</li>
 *   <li>{@link #USER}: an ordinary user outside any such namespace: a client, or the CLI's own
 *       in-process work (environment builds), which wraps each privileged step in a namespace.</li>
 * </ul>
 */
public enum HostPrivilege {
    ROOT,
    USER_NAMESPACE,
    USER;

    private static final HostPrivilege CURRENT = detect();

    /** The privilege of this process (fixed for its life). */
    public static HostPrivilege current() {
        return CURRENT;
    }

    /** Whether this process is root of the host itself. */
    public boolean hostRoot() {
        return this == ROOT;
    }

    /** Whether this process can mount (overlay, tmpfs, bind) in its own mount namespace. */
    public boolean canMount() {
        return this != USER;
    }

    /** {@code root} or {@code rootless}: what payloads and doctor report. */
    public String label() {
        return this == ROOT ? "root" : "rootless";
    }

    private static HostPrivilege detect() {
        if (!HostTools.isRoot()) {
            return USER;
        }
        return identityMap(Path.of("/proc/self/uid_map")) ? ROOT : USER_NAMESPACE;
    }

    /** The initial namespace maps all 2^32-1 ids onto themselves: "0 0 4294967295". */
    static boolean identityMap(Path uidMap) {
        try {
            List<String> lines = Files.readAllLines(uidMap);
            if (lines.size() != 1) {
                return false;
            }
            String[] f = lines.get(0).trim().split("\\s+");
            return f.length == 3 && f[0].equals("0") && f[1].equals("0") && f[2].equals("4294967295");
        } catch (IOException e) {
            return true; // no user namespaces in this kernel: uid 0 is the host's root
        }
    }
}
