package dev.pyro.api.vm;

import java.util.List;

/** {@code reap_expired()}: the VMs deleted because their TTL ran out. */
public record ReapResult(List<String> deletedVmIds, int count) {
}
