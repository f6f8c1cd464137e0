package dev.pyro.api.engine;

public record VmParams(String vmId) {

    public VmParams {
        vmId = ParamIds.vm(vmId);
    }
}
