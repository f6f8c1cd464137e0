package dev.pyro.engine.network;

import dev.pyro.api.PyroException;
import dev.pyro.engine.cache.CacheLock;
import dev.pyro.engine.host.HostPrivilege;
import dev.pyro.engine.host.HostTools;
import dev.pyro.engine.process.HostCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hands out guest networks, in one of two modes:
 * <ul>
 *   <li>TAP (root): a /30 of {@value #POOL} and a TAP device per sandbox, leased in a machine-wide
 *       directory under /run (so every Pyro state dir on the host shares one pool, and a reboot,
 *       which also removes the TAP devices, frees them all). A lease names the sandbox work dir
 *       that holds it; a lease whose work dir is gone is stale and reused.</li>
 *   <li>user (rootless, {@link UserNetworks}): used whenever this process is not root of the host,
 *       or when {@value #MODE_PROPERTY}=user (or {@code PYRO_NETWORK_MODE=user}) asks for it under
 *       root (tests run it so in CI).</li>
 * </ul>
 */
public final class GuestNetworks {

    public static final String POOL = "172.29.0.0/16";
    /** {@code user} selects rootless networking even as root. */
    public static final String MODE_PROPERTY = "pyro.network.mode";
    static final String TAP_PREFIX = "pyrotap";
    private static final int SLOTS = 16384;
    private static final Path DEFAULT_LEASES = Path.of("/run/pyro/network");

    private final Path leaseDir;

    public GuestNetworks() {
        this(DEFAULT_LEASES);
    }

    GuestNetworks(Path leaseDir) {
        this.leaseDir = leaseDir;
    }

    /** Whether new guest networks of this process are rootless ones (passt + QEMU user networking). */
    public static boolean userMode() {
        String asked = System.getProperty(MODE_PROPERTY, System.getenv("PYRO_NETWORK_MODE"));
        return GuestNetwork.USER.equals(asked) || !HostPrivilege.current().hostRoot();
    }

    /**
     * Why guest networking (network policies, {@code --network}) cannot work here, as one line with
     * the fix; empty when it can. For doctor and for a clear error before anything starts.
     */
    public static Optional<String> problem() {
        if (userMode()) {
            return UserNetworks.problem();
        }
        List<String> lacking = new ArrayList<>();
        for (String[] tool : new String[][] {{"ip", "iproute2"}, {"nft", "nftables"}, {"socat", "socat"}}) {
            if (HostTools.which(tool[0]).isEmpty()) {
                lacking.add(tool[0] + " (Debian package " + tool[1] + ")");
            }
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            lacking.add("/dev/net/tun");
        }
        return lacking.isEmpty() ? Optional.empty() : Optional.of("guest networking needs " + String.join(", ", lacking)
                + "; run: sudo scripts/host-setup.sh");
    }

    /** One line for doctor: how guests reach out in this mode. */
    public static String describe() {
        return userMode()
                ? "rootless: passt per guest (egress, the gateway not mapped to the host), published ports through "
                        + "QEMU user networking (restrict=on) on 127.0.0.1"
                : "TAP + NAT per guest, the host firewalled off; ip_forward is switched on at first use";
    }

    /**
     * The network of a new sandbox whose files live in {@code owner}: a rootless one in user mode,
     * else the first free TAP slot.
     */
    public GuestNetwork allocate(Path owner) throws IOException {
        if (userMode()) {
            UserNetworks.requireAvailable();
            return UserNetworks.allocate();
        }
        requireRoot();
        Files.createDirectories(leaseDir);
        try (CacheLock lock = CacheLock.acquire(leaseDir.resolve(".lock"))) {
            for (int i = 0; i < SLOTS; i++) {
                Path lease = lease(i);
                if (Files.exists(lease) && !stale(lease)) {
                    continue;
                }
                Files.deleteIfExists(lease);
                try {
                    Files.writeString(lease, owner.toString(), StandardOpenOption.CREATE_NEW);
                } catch (FileAlreadyExistsException raced) {
                    continue;
                }
                return network(i);
            }
        }
        throw PyroException.runtime("all " + SLOTS + " guest networks of " + POOL + " are in use; delete idle "
                + "sandboxes first", null);
    }

    /**
     * Brings the network up before QEMU starts: the TAP device (replacing a leftover one, with
     * forwarding and the firewall on), or in user mode the sandbox's passt in {@code workDir}.
     */
    public void up(GuestNetwork network, Path workDir) throws IOException, InterruptedException {
        if (network.userMode()) {
            UserNetworks.start(network, workDir);
            return;
        }
        requireRoot();
        Path ip = HostTools.which("ip").orElseThrow(() -> missing("ip", "iproute2"));
        HostFirewall.ensure();
        enableForwarding();
        HostCommand.of(ip.toString(), "link", "del", network.tapName()).runAllowingFailure();
        HostCommand.of(ip.toString(), "tuntap", "add", "dev", network.tapName(), "mode", "tap").run();
        HostCommand.of(ip.toString(), "addr", "add", network.hostIp() + "/" + GuestNetwork.PREFIX_LENGTH, "dev",
                network.tapName()).run();
        HostCommand.of(ip.toString(), "link", "set", network.tapName(), "up").run();
    }

    /** Removes the TAP device (or stops the sandbox's passt); a missing one is fine. */
    public void down(GuestNetwork network, Path workDir) throws IOException, InterruptedException {
        if (network.userMode()) {
            UserNetworks.stop(workDir);
            return;
        }
        HostTools.which("ip").ifPresent(ip -> {
            try {
                HostCommand.of(ip.toString(), "link", "del", network.tapName()).runAllowingFailure();
            } catch (IOException e) {
                // nothing to remove
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Gives the slot back, if {@code owner} still holds it. */
    public void release(GuestNetwork network, Path owner) throws IOException {
        if (network.userMode()) {
            return; // nothing leased
        }
        Path lease = lease(network.index());
        try (CacheLock lock = CacheLock.acquire(leaseDir.resolve(".lock"))) {
            if (Files.exists(lease) && Files.readString(lease).equals(owner.toString())) {
                Files.delete(lease);
            }
        }
    }

    static String subnetOf(int index) {
        return address(index * 4);
    }

    private static GuestNetwork network(int index) {
        return GuestNetwork.tap(index, TAP_PREFIX + index, address(index * 4 + 1), address(index * 4 + 2),
                hostNameservers());
    }

    /** An address of the pool, {@code offset} after its first. */
    private static String address(int offset) {
        return "172.29." + (offset >> 8) + "." + (offset & 0xff);
    }

    private Path lease(int index) {
        return leaseDir.resolve(index + ".lease");
    }

    private static boolean stale(Path lease) {
        try {
            String owner = Files.readString(lease).trim();
            return owner.isEmpty() || !Files.exists(Path.of(owner));
        } catch (IOException e) {
            return false;
        }
    }

    /** The host's IPv4 resolvers the guest can reach through NAT (loopback ones cannot be). */
    static List<String> hostNameservers() {
        List<String> servers = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/etc/resolv.conf"), StandardCharsets.UTF_8)) {
                String[] words = line.trim().split("\\s+");
                if (words.length >= 2 && words[0].equals("nameserver") && words[1].matches("\\d+(\\.\\d+){3}")
                        && !words[1].startsWith("127.")) {
                    servers.add(words[1]);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return List.copyOf(servers.subList(0, Math.min(3, servers.size())));
    }

    private static void enableForwarding() throws IOException {
        Path forward = Path.of("/proc/sys/net/ipv4/ip_forward");
        if (!Files.readString(forward).trim().equals("1")) {
            Files.writeString(forward, "1\n");
        }
    }

    static void requireRoot() {
        if (!HostPrivilege.current().hostRoot()) {
            throw PyroException.runtime("TAP guest networking needs root (it creates a TAP device and nftables "
                    + "rules); run Pyro as root, or leave " + MODE_PROPERTY + " unset for rootless networking", null);
        }
    }

    static PyroException missing(String program, String debianPackage) {
        return PyroException.runtime(program + " is not installed (Debian package " + debianPackage
                + "); guest networking needs it. Run: pyro doctor --fix", null);
    }
}
