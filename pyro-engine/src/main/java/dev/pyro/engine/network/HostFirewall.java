package dev.pyro.engine.network;

import dev.pyro.engine.host.HostTools;
import dev.pyro.engine.process.HostCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host's nftables table {@code inet pyro}: guests may go out (forwarded and masqueraded) but
 * may not reach the host itself (its loopback services, its own addresses) nor each other. Packets
 * the host sent first (published-port proxies connecting in) get their replies through.
 */
final class HostFirewall {

    static final String RULESET = """
            table inet pyro
            delete table inet pyro
            table inet pyro {
              chain input {
                type filter hook input priority -10; policy accept;
                iifname "%1$s*" ct state established,related accept
                iifname "%1$s*" drop
              }
              chain forward {
                type filter hook forward priority -10; policy accept;
                iifname "%1$s*" oifname "%1$s*" drop
                iifname "%1$s*" accept
                oifname "%1$s*" ct state established,related accept
                oifname "%1$s*" drop
              }
              chain postrouting {
                type nat hook postrouting priority 100; policy accept;
                ip saddr %2$s oifname != "%1$s*" masquerade
              }
            }
            """.formatted(GuestNetworks.TAP_PREFIX, GuestNetworks.POOL);

    private HostFirewall() {
    }

    /** Loads the table atomically (replacing an older copy of it). */
    static void ensure() throws IOException, InterruptedException {
        Path nft = HostTools.which("nft").orElseThrow(() -> GuestNetworks.missing("nft", "nftables"));
        Path rules = Files.createTempFile("pyro-nft-", ".conf");
        try {
            Files.writeString(rules, RULESET);
            HostCommand.of(nft.toString(), "-f", rules.toString()).run();
        } finally {
            Files.deleteIfExists(rules);
        }
    }
}
