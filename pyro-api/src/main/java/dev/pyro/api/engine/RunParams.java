package dev.pyro.api.engine;

import dev.pyro.api.vm.VmRequest;

public record RunParams(VmRequest request, String command, int timeoutSeconds) {
}
