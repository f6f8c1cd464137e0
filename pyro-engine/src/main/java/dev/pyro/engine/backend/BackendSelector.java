package dev.pyro.engine.backend;

import dev.pyro.api.Defaults;

import dev.pyro.api.PyroException;
import dev.pyro.api.state.BackendName;
import dev.pyro.engine.backend.gvisor.GvisorBackend;
import dev.pyro.engine.backend.host.HostBackend;
import dev.pyro.engine.backend.vm.GuestKernels;
import dev.pyro.engine.backend.vm.QemuBackend;
import dev.pyro.api.PyroPaths;
import dev.pyro.engine.host.HostTools;
import dev.pyro.api.Progress;
import java.util.List;
import java.util.Optional;

/**
 * Turns {@code --backend auto|vm|gvisor|host} into a backend. {@code auto} picks {@code vm} with
 * KVM when a KVM boot probe passed, else {@code gvisor} (when no network is asked for), else
 * {@code vm} under TCG, and never {@code host}, which needs the explicit opt-in.
 */
public final class BackendSelector {

    /** The request that lets the selector pick (not a backend: records name the one picked). */
    public static final String AUTO = Defaults.BACKEND;

    /** What {@code --backend} accepts, in the order the error lists them. */
    public static final List<String> NAMES = List.of(AUTO, BackendName.VM.value(), BackendName.GVISOR.value(),
            BackendName.HOST.value());

    private final PyroPaths paths;
    private final GuestKernels kernels;

    public BackendSelector(PyroPaths paths) {
        this.paths = paths;
        this.kernels = new GuestKernels(paths);
    }

    /** The backend named by the caller or by PYRO_BACKEND, default {@code auto}. */
    public static String requested(String explicit) {
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        String env = System.getenv("PYRO_BACKEND");
        return env == null || env.isBlank() ? AUTO : env;
    }

    public BackendChoice select(String name, boolean network, boolean allowHostCompat, Progress progress) {
        if (!NAMES.contains(name)) {
            throw PyroException.invalid("backend must be one of: auto, vm, gvisor, host (got '" + name + "')");
        }
        boolean kvm = kernels.kvmBootPassed();
        Optional<BackendName> explicit = BackendName.of(name);
        if (explicit.isEmpty()) {
            return auto(network, allowHostCompat, kvm, progress);
        }
        return switch (explicit.get()) {
            case VM -> new BackendChoice(new QemuBackend(paths, kvm, progress), kvm ? "vm (kvm)" : "vm (tcg)");
            case GVISOR -> new BackendChoice(new GvisorBackend(paths), "gvisor");
            case HOST -> {
                if (!allowHostCompat) {
                    throw PyroException.invalid("the host backend runs commands on this machine without isolation; "
                            + "pass --allow-host-compat (SDK: allowHostCompat) to opt in");
                }
                yield new BackendChoice(new HostBackend(paths), "host (explicit)");
            }
        };
    }

    private BackendChoice auto(boolean network, boolean allowHostCompat, boolean kvm, Progress progress) {
        boolean qemu = HostTools.which("qemu-system-x86_64").isPresent() && HostTools.which("qemu-img").isPresent();
        boolean gvisor = HostTools.which("runsc").isPresent();
        if (qemu && kvm) {
            return new BackendChoice(new QemuBackend(paths, true, progress), "auto: vm (kvm boot probe passed)");
        }
        if (gvisor && !network) {
            return new BackendChoice(new GvisorBackend(paths), "auto: gvisor");
        }
        if (qemu) {
            return new BackendChoice(new QemuBackend(paths, false, progress),
                    network ? "auto: vm (tcg; gvisor has no guest network)" : "auto: vm (tcg)");
        }
        String reason = "neither QEMU nor gVisor's runsc is installed (pyro doctor --fix installs them)";
        if (allowHostCompat) {
            return new BackendChoice(new HostBackend(paths), "auto: host (" + reason + ")");
        }
        throw PyroException.runtime("guest boot is unavailable and host compatibility mode is disabled: " + reason
                + ". Set allow_host_compat=True (CLI: --allow-host-compat) to opt into host execution.", null);
    }
}
