package dev.pyro.engine.network;

import dev.pyro.api.PyroException;
import dev.pyro.engine.host.HostTools;
import dev.pyro.engine.process.HostCommand;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Rootless guest networking: what an engine that is not root of the host uses (it cannot create
 * devices in the host's network namespace, so no TAP, no nftables).
 *
 * <p>Two NICs per guest, because no single tool in Debian 12 gives all three guarantees:
 * <ul>
 *   <li>eth0: {@code passt} (one process per sandbox, started before QEMU, connected with
 *       {@code -netdev stream}). It turns the guest's packets into ordinary sockets of the user, so
 *       egress and DNS work. {@code --no-map-gw} keeps the gateway address from being mapped to the
 *       host's loopback (without it, the guest reaches every 127.0.0.1 service via the gateway).
 *       The guest gets the host's own address and gateway, so the host's main address is the
 *       guest's own and leads back into the guest. What stays reachable: services listening on the
 *       host's OTHER non-loopback addresses (0.0.0.0 listeners seen through a second interface, a
 *       bridge, a veth), as for any process of the user; root mode's firewall blocks those too.
 *       passt of this version (0.0~git20230309) takes its port forwards only at start, and
 *       published ports come and go while the guest runs, so it carries no published port.</li>
 *   <li>eth1: QEMU's user networking with {@code restrict=on}: the guest can open nothing through
 *       it (no egress, no gateway to the host's loopback), but host forwards added at run time over
 *       QMP ({@code hostfwd_add ... tcp:127.0.0.1:PORT-10.0.3.15:GUEST}) reach the guest: these are
 *       the published ports, bound to 127.0.0.1 only and kept by QEMU (so they outlive the engine
 *       as the root mode's socat proxies do). QEMU's user networking with {@code restrict=off}
 *       would do egress too, but its gateway then leads to the host's loopback (ARCHITECTURE.md).</li>
 * </ul>
 * What keeps the host's loopback out is the guest kernel, not passt: fed a frame addressed to
 * 127.0.0.1 by hand (a test client on its socket), this passt connects to the host's 127.0.0.1
 * (measured; {@code --outbound-if4} does not stop it). A guest cannot emit such a frame: our guest
 * kernel has no packet sockets, TUN, tc, netfilter, BPF or modules, and routes 127/8 to its own lo
 * (RootlessGuestNetworkTest checks it). A guest kernel exploit could; root mode's nftables input
 * chain holds even then. Running passt inside a network namespace of its own behind pasta would
 * close that; not done yet: this pasta, started inside Pyro's user namespace (or as root), could
 * not write its own uid_map nor join a namespace made by {@code unshare --net} (EPERM).
 *
 * <p>Measured on this machine (TCG guest, 2 cores; see the rootless-net report): a published port
 * costs no process on the host (QEMU holds it); passt adds ~20 MiB RSS per sandbox.
 */
final class UserNetworks {

    static final String SOCKET = "passt.sock";
    static final String PID_FILE = "passt.pid";
    static final String LOG_FILE = "passt.log";
    /** Used when the host has no IPv4 default route: the guest then has no way out, as the host. */
    private static final String FALLBACK_IP = "10.0.2.15";
    private static final String FALLBACK_GW = "10.0.2.2";
    private static volatile Boolean qemuHasStream;

    private UserNetworks() {
    }

    /** Why rootless networking cannot work here, with the fix; empty when it can. */
    static Optional<String> problem() {
        if (HostTools.which("passt").isEmpty()) {
            return Optional.of("passt is not installed (Debian package passt); run: sudo scripts/host-setup.sh");
        }
        Optional<Path> qemu = HostTools.which("qemu-system-x86_64");
        if (qemu.isEmpty()) {
            return Optional.of("qemu-system-x86_64 is not installed (Debian package qemu-system-x86); run: sudo "
                    + "scripts/host-setup.sh");
        }
        if (!qemuHasStream(qemu.get())) {
            return Optional.of("this QEMU has no '-netdev stream' (QEMU 7.2 or newer has it), which rootless "
                    + "networking needs to reach passt; install Debian 12's qemu-system-x86: sudo scripts/host-setup.sh");
        }
        return Optional.empty();
    }

    static void requireAvailable() {
        problem().ifPresent(p -> {
            throw PyroException.runtime(p, null);
        });
    }

    private static boolean qemuHasStream(Path qemu) {
        Boolean known = qemuHasStream;
        if (known == null) {
            try {
                known = HostCommand.of(qemu.toString(), "-netdev", "help").runAllowingFailure().lines().stream()
                        .anyMatch(line -> line.trim().equals("stream"));
            } catch (IOException e) {
                known = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            qemuHasStream = known;
        }
        return known;
    }

    /**
     * The guest's eth0: the host's address, prefix and gateway of its IPv4 default route (what
     * passt itself would pick), and the host's non-loopback resolvers.
     */
    static GuestNetwork allocate() {
        String[] route = defaultRoute();
        if (route != null) {
            try {
                NetworkInterface nic = NetworkInterface.getByName(route[0]);
                if (nic != null) {
                    for (InterfaceAddress a : nic.getInterfaceAddresses()) {
                        if (a.getAddress() instanceof Inet4Address v4) {
                            return GuestNetwork.user(route[1], v4.getHostAddress(), a.getNetworkPrefixLength(),
                                    GuestNetworks.hostNameservers());
                        }
                    }
                }
            } catch (IOException e) {
                // no usable interface: the fallback below
            }
        }
        return GuestNetwork.user(FALLBACK_GW, FALLBACK_IP, 24, GuestNetworks.hostNameservers());
    }

    /** {interface, gateway} of the first IPv4 default route in /proc/net/route, or null. */
    static String[] defaultRoute() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/route"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].equals("00000000") && f[7].equals("00000000")) {
                    long gw = Long.parseLong(f[2], 16);
                    if (gw == 0) {
                        continue;
                    }
                    String gateway = (gw & 0xff) + "." + (gw >> 8 & 0xff) + "." + (gw >> 16 & 0xff) + "." + (gw >> 24 & 0xff);
                    return new String[] {f[0], gateway};
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /**
     * Starts the sandbox's passt (stopping a leftover one first) and waits for its socket. It
     * daemonizes itself, so it outlives the engine like QEMU, and {@code --one-off} ends it when
     * QEMU disconnects: a VM that is killed takes its passt with it.
     */
    static void start(GuestNetwork network, Path workDir) throws IOException, InterruptedException {
        requireAvailable();
        stop(workDir);
        Path socket = workDir.resolve(SOCKET);
        Path pidFile = workDir.resolve(PID_FILE);
        Path log = workDir.resolve(LOG_FILE);
        Files.deleteIfExists(socket);
        Files.deleteIfExists(pidFile);
        Files.deleteIfExists(log);
        List<String> argv = new ArrayList<>(List.of(HostTools.which("passt").orElseThrow().toString(),
                "--one-off", "--ipv4-only", "--no-map-gw", "--no-dhcp", "--quiet",
                // as root (also root of a user namespace) passt would switch to nobody, who cannot
                // write into the sandbox's owner-only dir; it keeps no privilege as this user anyway
                "--runas", uid() + ":" + gid(),
                "-a", network.guestIp(), "-n", Integer.toString(network.prefixLength()), "-g", network.hostIp(),
                "-s", socket.toString(), "-P", pidFile.toString(), "-l", log.toString()));
        HostCommand.Result started = HostCommand.of(argv).runAllowingFailure();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && !(Files.exists(socket) && pid(workDir) > 0)) {
            Thread.sleep(10);
        }
        if (started.exitCode() != 0 || !Files.exists(socket)) {
            String why = Files.exists(log) ? Files.readString(log).strip() : String.join("\n", started.tail());
            stop(workDir);
            throw PyroException.runtime("passt (the guest's rootless network) did not start (exit "
                    + started.exitCode() + "): " + why, null);
        }
    }

    /** Stops the sandbox's passt if it still runs (TERM, then KILL); its pid is trusted only while its command line names this sandbox's socket. */
    static void stop(Path workDir) throws InterruptedException {
        long pid = pid(workDir);
        if (pid <= 0 || !running(pid, workDir)) {
            return;
        }
        ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
        if (handle == null) {
            return;
        }
        handle.destroy();
        try {
            handle.onExit().get(2, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            handle.destroyForcibly();
        }
    }

    /** Whether the passt of this sandbox runs. */
    static boolean running(Path workDir) {
        long pid = pid(workDir);
        return pid > 0 && running(pid, workDir);
    }

    private static boolean running(long pid, Path workDir) {
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
            return cmdline.contains("passt") && cmdline.contains(workDir.resolve(SOCKET).toString());
        } catch (IOException e) {
            return false;
        }
    }

    private static long pid(Path workDir) {
        try {
            return Long.parseLong(Files.readString(workDir.resolve(PID_FILE)).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static long uid() {
        return attribute("unix:uid");
    }

    private static long gid() {
        return attribute("unix:gid");
    }

    private static long attribute(String name) {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), name)).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }
}
