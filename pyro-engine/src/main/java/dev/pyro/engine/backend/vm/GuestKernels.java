package dev.pyro.engine.backend.vm;

import dev.pyro.api.PyroPaths;
import dev.pyro.engine.doctor.BootProbe;
import dev.pyro.engine.doctor.Doctor;
import dev.pyro.api.doctor.DoctorReport;
import dev.pyro.engine.host.HostTools;
import dev.pyro.engine.kernel.GuestKernel;
import dev.pyro.engine.kernel.KernelBuilder;
import dev.pyro.api.Progress;
import dev.pyro.protocol.ErrorText;
import java.nio.file.Path;
import java.util.Optional;

/** The guest kernel of the vm backend as the rest of Pyro sees it: its version, build, and KVM probe. */
public final class GuestKernels implements Doctor.KernelCheck {

    private final PyroPaths paths;
    private final KernelBuilder builder;

    public GuestKernels(PyroPaths paths) {
        this.paths = paths;
        this.builder = new KernelBuilder(paths);
    }

    /** The version a build from the installed source and checked-in config has (no build). */
    public String expectedVersion() {
        return KernelBuilder.expectedVersion();
    }

    /**
     * The expected version, or null when the kernel source is not installed: environments record it
     * but must still build on hosts that only use gVisor.
     */
    public String expectedVersionIfKnown() {
        try {
            return expectedVersion();
        } catch (dev.pyro.api.PyroException e) {
            return null;
        }
    }

    public Optional<GuestKernel> installed() {
        return builder.installed();
    }

    public GuestKernel ensureBuilt(Progress progress) {
        return builder.ensureBuilt(progress);
    }

    /**
     * Whether the recorded KVM boot probe (of this host boot) passed. Reads one small file and runs
     * nothing, so {@code --backend auto} stays fast; {@code pyro doctor} is what runs the probe.
     */
    public boolean kvmBootPassed() {
        return new KvmBootProbe(paths.cacheDir().resolve("probes")).cachedForThisBoot()
                .filter(r -> BootProbe.PASSED.is(r.result()))
                .filter(r -> java.nio.file.Files.isDirectory(paths.kernelDir().resolve(r.kernelVersion())))
                .isPresent();
    }

    @Override
    public DoctorReport.Kernel kernel() {
        Optional<GuestKernel> kernel = installed();
        if (kernel.isPresent()) {
            return new DoctorReport.Kernel(kernel.get().version(), true, kernel.get().image().toString(), null);
        }
        try {
            return new DoctorReport.Kernel(expectedVersion(), false, null,
                    "not built yet; built on first vm use or by: pyro env pull debian:12 --backend vm (~8 min)");
        } catch (dev.pyro.api.PyroException e) {
            return new DoctorReport.Kernel(null, false, null, ErrorText.of(e));
        }
    }

    @Override
    public DoctorReport.Kvm probeKvm(boolean exists, boolean readable, boolean writable) {
        Optional<GuestKernel> kernel = installed();
        Optional<Path> qemu = HostTools.which("qemu-system-x86_64");
        if (kernel.isEmpty() || qemu.isEmpty()) {
            return new DoctorReport.Kvm(exists, readable, writable, BootProbe.NOT_RUN.value(),
                    "needs the guest kernel (pyro env pull debian:12 --backend vm)");
        }
        KvmBootProbe.Result result = new KvmBootProbe(paths.cacheDir().resolve("probes"))
                .probe(qemu.get(), kernel.get().image(), kernel.get().version());
        return new DoctorReport.Kvm(exists, readable, writable, result.result(), result.detail());
    }
}
