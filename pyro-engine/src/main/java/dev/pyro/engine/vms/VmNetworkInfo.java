package dev.pyro.engine.vms;

import java.util.List;

/** Guest networking of a VM: user-mode NAT (no TAP device, no root) when enabled. */
public record VmNetworkInfo(
        String vmId,
        boolean networkEnabled,
        boolean outboundConnectivityExpected,
        String mode,
        String guestIp,
        String gatewayIp,
        String subnetCidr,
        List<String> dnsServers,
        String reason) {
}
