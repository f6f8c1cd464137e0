package dev.pyro.api.engine;

import dev.pyro.api.vm.VmRequest;

public record CreateParams(VmRequest request) {
}
