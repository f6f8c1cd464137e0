package dev.pyro.examples;

import dev.pyro.api.vm.VmExecResult;
import dev.pyro.api.vm.VmRequest;
import dev.pyro.sdk.Pyro;

/**
 * One command in a fresh sandbox that is deleted afterwards: the SDK form of
 * {@code pyro run debian:12 -- git --version}.
 */
public final class RunOnce {

    private RunOnce() {
    }

    public static void main(String[] args) {
        try (Pyro pyro = Pyro.create()) {   // the engine daemon of PYRO_STATE_DIR, started if needed
            VmExecResult result = run(pyro, args.length > 0 ? args[0] : "debian:12");
            System.out.print(result.stdout());
            System.exit(result.exitCode());
        }
    }

    /** Runs {@code git --version} in {@code environment}: 30 s at most, no network, default size. */
    public static VmExecResult run(Pyro pyro, String environment) {
        return pyro.runInVm(VmRequest.defaults(environment), "git --version", 30);
    }
}
