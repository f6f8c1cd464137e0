package dev.pyro.engine.network;

import java.util.List;
import java.util.Map;

/**
 * One sandbox's share of the guest network: a TAP device on the host and a /30 of
 * {@value GuestNetworks#POOL} with the host end as the guest's gateway. Kept in the sandbox's
 * metadata so an engine restart can tear it down.
 */
public record GuestNetwork(int index, String tapName, String hostIp, String guestIp, List<String> dnsServers) {

    public static final int PREFIX_LENGTH = 30;

    public String subnetCidr() {
        return GuestNetworks.subnetOf(index) + "/" + PREFIX_LENGTH;
    }

    /** The guest kernel's command line words that pyro-init reads to configure eth0. */
    public List<String> kernelParameters() {
        List<String> words = new java.util.ArrayList<>(List.of("pyro.ip=" + guestIp + "/" + PREFIX_LENGTH,
                "pyro.gw=" + hostIp));
        if (!dnsServers.isEmpty()) {
            words.add("pyro.dns=" + String.join(",", dnsServers));
        }
        return words;
    }

    public void writeTo(Map<String, String> metadata) {
        metadata.put("network_index", Integer.toString(index));
        metadata.put("network_tap", tapName);
        metadata.put("network_host_ip", hostIp);
        metadata.put("network_guest_ip", guestIp);
        metadata.put("network_dns", String.join(",", dnsServers));
    }

    /** The network recorded in a sandbox's metadata, or null when it has none. */
    public static GuestNetwork readFrom(Map<String, String> metadata) {
        String tap = metadata.get("network_tap");
        if (tap == null) {
            return null;
        }
        String dns = metadata.getOrDefault("network_dns", "");
        return new GuestNetwork(Integer.parseInt(metadata.get("network_index")), tap, metadata.get("network_host_ip"),
                metadata.get("network_guest_ip"), dns.isEmpty() ? List.of() : List.of(dns.split(",")));
    }
}
