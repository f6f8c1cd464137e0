package dev.pyro.engine.host;

import dev.pyro.api.PyroException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The user namespace an ordinary user's Pyro works in: uid 0 inside is the user, uids 1..65535
 * are the user's subordinate ids from /etc/subuid (the same for gids), and it has a mount
 * namespace of its own. Files of a guest keep their real owners this way ({@code _apt},
 * {@code man}, ...): on the host they belong to the user's subordinate ids, never to another
 * account, and only a process in such a namespace (or root) can read or delete all of them.
 *
 * <p>Built with util-linux {@code unshare --map-root-user --map-auto}, which asks the setuid
 * {@code newuidmap}/{@code newgidmap} (Debian package uidmap) to map the subordinate ranges: the
 * only help from root Pyro takes at run time, and only for ranges root granted in /etc/subuid.
 */
public final class UserNamespace {

    /** A guest needs uids 0..65534 (nobody): the user plus 65535 subordinate ids. */
    static final long NEEDED_IDS = 65535;

    private UserNamespace() {
    }

    /** The command that runs {@code argv} in a fresh namespace, or {@code argv} as is when this process can mount already. */
    public static List<String> command(List<String> argv) {
        if (HostPrivilege.current().canMount()) {
            return List.copyOf(argv);
        }
        requireAvailable();
        List<String> wrapped = new ArrayList<>(prefix());
        wrapped.addAll(argv);
        return wrapped;
    }

    /** {@code unshare ... --}: the words that start a process in a new namespace of this user. */
    public static List<String> prefix() {
        String unshare = HostTools.which("unshare").map(Path::toString).orElse("unshare");
        return List.of(unshare, "--map-root-user", "--map-auto", "--mount", "--propagation", "private", "--");
    }

    /** Fails with one line naming what is missing and the command that fixes it. */
    public static void requireAvailable() {
        problem().ifPresent(p -> {
            throw PyroException.runtime(p, null);
        });
    }

    /** Why an ordinary user cannot have the namespace here, with the fix; empty when it can. */
    public static Optional<String> problem() {
        if (HostPrivilege.current() != HostPrivilege.USER) {
            return Optional.empty();
        }
        if (HostTools.which("unshare").isEmpty()) {
            return Optional.of("unshare is not installed (Debian package util-linux); run: sudo scripts/host-setup.sh");
        }
        if (HostTools.which("newuidmap").isEmpty() || HostTools.which("newgidmap").isEmpty()) {
            return Optional.of("newuidmap/newgidmap are not installed (Debian package uidmap), so Pyro cannot map "
                    + "subordinate ids for an ordinary user; run: sudo scripts/host-setup.sh");
        }
        if (!userNamespacesAllowed()) {
            return Optional.of("this kernel does not let ordinary users create user namespaces "
                    + "(user.max_user_namespaces is 0 or kernel.unprivileged_userns_clone is 0); run: "
                    + "sudo sysctl -w user.max_user_namespaces=15000 kernel.unprivileged_userns_clone=1");
        }
        String user = userName();
        for (String kind : List.of("uid", "gid")) {
            Path file = Path.of("/etc/sub" + kind);
            if (subordinateIds(file, user, uid()) < NEEDED_IDS) {
                return Optional.of("user " + user + " has no range of " + NEEDED_IDS + " or more subordinate " + kind
                        + "s in " + file + "; run: sudo usermod --add-subuids 100000-165535 --add-subgids "
                        + "100000-165535 " + user + " (or sudo scripts/host-setup.sh --user " + user + ")");
            }
        }
        return Optional.empty();
    }

    /** The largest range count granted to {@code user} (by name or uid) in a subuid/subgid file. */
    static long subordinateIds(Path file, String user, long uid) {
        long best = 0;
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split(":");
                if (f.length == 3 && (f[0].equals(user) || f[0].equals(Long.toString(uid)))) {
                    try {
                        best = Math.max(best, Long.parseLong(f[2].trim()));
                    } catch (NumberFormatException e) {
                        // not a range: ignore the line, as newuidmap does
                    }
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return best;
    }

    private static boolean userNamespacesAllowed() {
        return !"0".equals(read("/proc/sys/user/max_user_namespaces"))
                && !"0".equals(read("/proc/sys/kernel/unprivileged_userns_clone"));
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static long uid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    private static String userName() {
        return System.getProperty("user.name");
    }
}
