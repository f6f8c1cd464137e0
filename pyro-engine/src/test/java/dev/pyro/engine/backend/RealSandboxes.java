package dev.pyro.engine.backend;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.doctor.Doctor;
import dev.pyro.api.doctor.DoctorReport;
import dev.pyro.engine.environment.EnvironmentInstaller;
import dev.pyro.engine.environment.EnvironmentStore;
import dev.pyro.engine.environment.InstallState;
import dev.pyro.engine.backend.vm.GuestKernels;
import dev.pyro.api.Progress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the sandbox tests share: the real caches (environments and the kernel are built once per
 * machine, not per run), and the doctor's word on which backends can work here. A backend is
 * skipped only when the doctor says it cannot run on this host, and the skip says why.
 */
public final class RealSandboxes {

    public static final String ENVIRONMENT = "debian:12";
    private static final Map<String, DoctorReport.BackendStatus> STATUS = new ConcurrentHashMap<>();

    private RealSandboxes() {
    }

    /** Shared caches, private state. */
    public static PyroPaths paths(Path state) {
        PyroPaths shared = PyroPaths.fromEnvironment();
        return new PyroPaths(shared.cacheDir(), state, shared.environmentCacheDir());
    }

    public static synchronized void assumeBackendWorks(String backend) {
        if (STATUS.isEmpty()) {
            PyroPaths paths = PyroPaths.fromEnvironment();
            new Doctor(paths, new GuestKernels(paths)).run().backends()
                    .forEach(status -> STATUS.put(status.name(), status));
        }
        DoctorReport.BackendStatus status = STATUS.get(backend);
        if (status == null || !status.available()) {
            String why = status == null ? "unknown backend" : status.detail();
            System.err.println("SKIP " + backend + " backend: pyro doctor says it cannot work here: " + why);
        }
        assumeTrue(status != null && status.available(), () -> backend + " backend unavailable: "
                + (status == null ? "unknown" : status.detail()));
    }

    public static InstallState environment(PyroPaths paths) {
        return new EnvironmentInstaller(new EnvironmentStore(paths), new GuestKernels(paths)::expectedVersionIfKnown)
                .ensureInstalled(ENVIRONMENT, Progress.NONE);
    }
}
