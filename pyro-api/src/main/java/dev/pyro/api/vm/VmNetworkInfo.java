package dev.pyro.api.vm;

import java.util.List;

/** Guest networking of a VM: a TAP device with NAT out and the host itself firewalled off, when enabled. */
public record VmNetworkInfo(
        String vmId,
        boolean networkEnabled,
        boolean outboundConnectivityExpected,
        String mode,
        String tapName,
        String guestIp,
        String gatewayIp,
        String subnetCidr,
        List<String> dnsServers,
        String reason) {
}
