package dev.pyro.protocol;

import java.util.List;

/**
 * The agent's hello response.
 *
 * @param protocol protocol version the agent speaks
 * @param agentVersion the agent's version
 * @param instance random id of this agent process (changes when the agent restarts)
 * @param bootId the guest kernel's boot id (changes when the guest reboots)
 * @param transport stdio, serial, listen or connect
 * @param underInit whether pyro-init started the agent (shutdown works)
 */
public record HelloInfo(int protocol, String agentVersion, String nonce, String instance, long pid, long uid,
                        String bootId, String hostname, String transport, boolean underInit, int maxPayload,
                        int maxMessage, long maxReadBytes, List<String> features) {
    public HelloInfo {
        features = features == null ? List.of() : List.copyOf(features);
    }

    public boolean hasFeature(String name) {
        return features.contains(name);
    }
}
