package dev.pyro.sdk;

import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.doctor.Doctor;
import dev.pyro.engine.doctor.DoctorReport;
import dev.pyro.engine.environment.EnvironmentCatalog;
import dev.pyro.engine.environment.EnvironmentInfo;
import dev.pyro.engine.environment.EnvironmentInstaller;
import dev.pyro.engine.environment.EnvironmentStore;
import dev.pyro.engine.environment.PruneResult;
import dev.pyro.engine.progress.Progress;
import dev.pyro.engine.backend.vm.GuestKernels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The Java SDK: one method per public operation, returning records that serialize to the JSON
 * payloads the CLI ({@code --json}) and the MCP server return. Errors meant for users are
 * {@link dev.pyro.engine.PyroException}s with a message that says what to fix.
 */
public final class Pyro implements AutoCloseable {

    private final PyroPaths paths;
    private final EnvironmentStore environments;
    private final GuestKernels kernels;

    public Pyro(PyroPaths paths) {
        this.paths = paths;
        this.environments = new EnvironmentStore(paths);
        this.kernels = new GuestKernels(paths);
    }

    /** A client using the default cache and state dirs (or PYRO_CACHE_DIR / PYRO_STATE_DIR). */
    public static Pyro create() {
        return new Pyro(PyroPaths.fromEnvironment());
    }

    public PyroPaths paths() {
        return paths;
    }

    public List<EnvironmentInfo> listEnvironments() {
        return environments.list();
    }

    public EnvironmentInfo inspectEnvironment(String environment) {
        return environments.info(EnvironmentCatalog.get(environment));
    }

    public EnvironmentInfo pullEnvironment(String environment) {
        return pullEnvironment(environment, false, Progress.NONE);
    }

    /**
     * Installs the environment if it is not installed (building it from Debian packages), and with
     * {@code withKernel} also the guest kernel the {@code vm} backend boots.
     */
    public EnvironmentInfo pullEnvironment(String environment, boolean withKernel, Progress progress) {
        EnvironmentCatalog.get(environment); // unknown names fail before anything is built
        new EnvironmentInstaller(environments, kernels::expectedVersion).ensureInstalled(environment, progress);
        if (withKernel) {
            kernels.ensureBuilt(progress);
        }
        return inspectEnvironment(environment);
    }

    public PruneResult pruneEnvironments() {
        try {
            return environments.prune();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public DoctorReport doctor() {
        return new Doctor(paths, kernels).run();
    }

    @Override
    public void close() {
    }
}
