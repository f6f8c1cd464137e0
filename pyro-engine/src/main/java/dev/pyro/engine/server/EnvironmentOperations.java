package dev.pyro.engine.server;

import dev.pyro.engine.backend.vm.GuestKernels;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.environment.EnvironmentCatalog;
import dev.pyro.api.environment.EnvironmentInfo;
import dev.pyro.engine.environment.EnvironmentInstaller;
import dev.pyro.engine.environment.EnvironmentStore;
import dev.pyro.api.environment.PruneResult;
import dev.pyro.api.Progress;
import dev.pyro.engine.template.TemplateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * list / inspect / pull / prune of environments. They only touch the cache (guarded by its own file
 * locks), so the engine serves them and the SDK may just as well run them in-process.
 */
public final class EnvironmentOperations {

    private final EnvironmentStore store;
    private final GuestKernels kernels;
    private final TemplateStore templates;

    public EnvironmentOperations(PyroPaths paths) {
        this.store = new EnvironmentStore(paths);
        this.kernels = new GuestKernels(paths);
        this.templates = new TemplateStore(paths);
    }

    public List<EnvironmentInfo> list() {
        return store.list();
    }

    public EnvironmentInfo inspect(String environment) {
        return store.info(EnvironmentCatalog.get(environment));
    }

    /**
     * Installs the environment if it is not installed (building it from Debian packages), and with
     * {@code withKernel} also the guest kernel the {@code vm} backend boots.
     */
    public EnvironmentInfo pull(String environment, boolean withKernel, Progress progress) {
        EnvironmentCatalog.get(environment); // unknown names fail before anything is built
        new EnvironmentInstaller(store, kernels::expectedVersion).ensureInstalled(environment, progress);
        if (withKernel) {
            kernels.ensureBuilt(progress);
        }
        return inspect(environment);
    }

    public PruneResult prune() {
        try {
            PruneResult environments = store.prune();
            List<EnvironmentInfo> installed = store.list().stream().filter(EnvironmentInfo::installed).toList();
            return environments.withDeletedTemplateDirs(templates.pruneOrphans(key -> installed.stream().anyMatch(
                    env -> env.name().equals(key.environment()) && env.version().equals(key.environmentVersion())
                            && Objects.equals(env.builtAt(), key.environmentBuiltAt()))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
