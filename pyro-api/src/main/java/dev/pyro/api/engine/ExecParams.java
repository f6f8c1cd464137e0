package dev.pyro.api.engine;

public record ExecParams(String vmId, String command, int timeoutSeconds) {

    public ExecParams {
        vmId = ParamIds.vm(vmId);
    }
}
