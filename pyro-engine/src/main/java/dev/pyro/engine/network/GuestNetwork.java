package dev.pyro.engine.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One sandbox's share of the guest network, kept in the sandbox's metadata so an engine restart
 * can tear it down and publish ports on it. Two modes ({@link GuestNetworks}):
 * <ul>
 *   <li>{@link #TAP} (root): a TAP device on the host and a /30 of {@value GuestNetworks#POOL} with
 *       the host end as the guest's gateway, behind the host's NAT and firewall.</li>
 *   <li>{@link #USER} (rootless): eth0 on a {@code passt} process of the sandbox's own (the guest
 *       gets the host's address and gateway, {@code hostIp} is that gateway), and eth1 on QEMU's
 *       user networking with {@code restrict=on} at {@code publishIp}, which only carries published
 *       ports (QMP {@code hostfwd_add}); {@code index} and {@code tapName} are unused.</li>
 * </ul>
 */
public record GuestNetwork(String mode, int index, String tapName, String hostIp, String guestIp, int prefixLength,
                           List<String> dnsServers, String publishIp) {

    public static final String TAP = "tap";
    public static final String USER = "user";
    public static final int PREFIX_LENGTH = 30;
    /** eth1 in user mode: QEMU's user network; {@value #PUBLISH_HOST} is QEMU's side of it. */
    public static final String PUBLISH_NET = "10.0.3.0";
    public static final String PUBLISH_IP = "10.0.3.15";
    public static final String PUBLISH_HOST = "10.0.3.2";
    public static final int PUBLISH_PREFIX = 24;

    /** A TAP network (root): a /30 of the pool. */
    public static GuestNetwork tap(int index, String tapName, String hostIp, String guestIp, List<String> dns) {
        return new GuestNetwork(TAP, index, tapName, hostIp, guestIp, PREFIX_LENGTH, dns, null);
    }

    /** A rootless network: passt on eth0 with these addresses, QEMU user networking on eth1. */
    public static GuestNetwork user(String gateway, String guestIp, int prefixLength, List<String> dns) {
        return new GuestNetwork(USER, -1, null, gateway, guestIp, prefixLength, dns, PUBLISH_IP);
    }

    public boolean userMode() {
        return USER.equals(mode);
    }

    /** What payloads call the mode ({@code network_info}): how the guest reaches out. */
    public String label() {
        return userMode() ? "passt+user" : "tap+nat";
    }

    /** The guest's eth0 subnet, as CIDR. */
    public String subnetCidr() {
        if (!userMode()) {
            return GuestNetworks.subnetOf(index) + "/" + PREFIX_LENGTH;
        }
        String[] q = guestIp.split("\\.");
        long ip = 0;
        for (String part : q) {
            ip = (ip << 8) | Integer.parseInt(part);
        }
        long mask = prefixLength == 0 ? 0 : (0xFFFFFFFFL << (32 - prefixLength)) & 0xFFFFFFFFL;
        long net = ip & mask;
        return (net >> 24 & 0xff) + "." + (net >> 16 & 0xff) + "." + (net >> 8 & 0xff) + "." + (net & 0xff) + "/"
                + prefixLength;
    }

    /** The guest kernel's command line words that pyro-init reads to configure eth0 (and eth1). */
    public List<String> kernelParameters() {
        List<String> words = new ArrayList<>(List.of("pyro.ip=" + guestIp + "/" + prefixLength));
        if (hostIp != null && !hostIp.isEmpty()) {
            words.add("pyro.gw=" + hostIp);
        }
        if (!dnsServers.isEmpty()) {
            words.add("pyro.dns=" + String.join(",", dnsServers));
        }
        if (publishIp != null) {
            words.add("pyro.ip1=" + publishIp + "/" + PUBLISH_PREFIX); // eth1: no gateway, published ports only
            words.add("pyro.hello1=" + PUBLISH_HOST); // so QEMU learns eth1's MAC before the first published connection
        }
        return words;
    }

    public void writeTo(Map<String, String> metadata) {
        metadata.put("network_mode", mode);
        if (!userMode()) {
            metadata.put("network_index", Integer.toString(index));
            metadata.put("network_tap", tapName);
        }
        metadata.put("network_host_ip", hostIp == null ? "" : hostIp);
        metadata.put("network_guest_ip", guestIp);
        metadata.put("network_prefix", Integer.toString(prefixLength));
        metadata.put("network_dns", String.join(",", dnsServers));
        if (publishIp != null) {
            metadata.put("network_publish_ip", publishIp);
        }
    }

    /** The network recorded in a sandbox's metadata, or null when it has none. */
    public static GuestNetwork readFrom(Map<String, String> metadata) {
        String guestIp = metadata.get("network_guest_ip");
        if (guestIp == null) {
            return null;
        }
        String dns = metadata.getOrDefault("network_dns", "");
        List<String> servers = dns.isEmpty() ? List.of() : List.of(dns.split(","));
        String mode = metadata.getOrDefault("network_mode", TAP); // records from before rootless networking
        if (USER.equals(mode)) {
            return new GuestNetwork(USER, -1, null, metadata.get("network_host_ip"), guestIp,
                    Integer.parseInt(metadata.getOrDefault("network_prefix", "24")), servers,
                    metadata.getOrDefault("network_publish_ip", PUBLISH_IP));
        }
        return tap(Integer.parseInt(metadata.get("network_index")), metadata.get("network_tap"),
                metadata.get("network_host_ip"), guestIp, servers);
    }
}
