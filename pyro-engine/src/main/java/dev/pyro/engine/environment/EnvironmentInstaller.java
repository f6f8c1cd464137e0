package dev.pyro.engine.environment;

import dev.pyro.api.PyroException;
import dev.pyro.engine.cache.CacheLock;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.api.Json;
import dev.pyro.engine.process.HostCommandException;
import dev.pyro.api.Progress;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * {@code env pull}: makes an environment installed. Builds happen under the environment's lock in a
 * staging dir renamed into place at the end, so a concurrent pull waits and reuses the result, and
 * a failed or interrupted build never shows up as installed.
 */
public final class EnvironmentInstaller {

    private final EnvironmentStore store;
    private final EnvironmentBuilder builder;
    private final Supplier<String> kernelVersion;

    public EnvironmentInstaller(EnvironmentStore store, Supplier<String> kernelVersion) {
        this.store = store;
        this.builder = new EnvironmentBuilder(store.paths());
        this.kernelVersion = kernelVersion;
    }

    /** The valid install of {@code name}, building it first if needed. */
    public InstallState ensureInstalled(String name, Progress progress) {
        EnvironmentSpec spec = EnvironmentCatalog.get(name);
        InstallState state = store.check(spec);
        if (state.installed()) {
            progress.phase("ready", "environment=" + spec.name());
            return state;
        }
        try (CacheLock lock = CacheLock.acquire(store.lockFile(spec))) {
            state = store.check(spec); // another process may have built it while we waited
            if (!state.installed()) {
                progress.phase("install", "environment=" + spec.name());
                build(spec, progress);
                state = store.check(spec);
                if (!state.installed()) {
                    throw PyroException.runtime("environment " + spec.name()
                            + " was built but its install is invalid: " + state.reason(), null);
                }
            }
        } catch (HostCommandException e) {
            throw PyroException.runtime("building environment " + spec.name() + " failed: " + ErrorText.of(e)
                    + "\nCheck the host with: pyro doctor (pyro doctor --fix installs missing packages)", e);
        } catch (IOException e) {
            throw PyroException.runtime("building environment " + spec.name() + " failed: " + ErrorText.of(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PyroException.runtime("building environment " + spec.name() + " was interrupted", e);
        }
        progress.phase("ready", "environment=" + spec.name());
        return state;
    }

    private void build(EnvironmentSpec spec, Progress progress) throws IOException, InterruptedException {
        Path staging = FileTrees.createStaging(store.platformDir(), spec.installDirName());
        boolean published = false;
        try {
            EnvironmentManifest manifest = builder.build(spec, staging, progress, kernelVersion.get());
            // The manifest is written last: without it, the staging dir is not an install.
            Path tmp = staging.resolve(EnvironmentManifest.FILE_NAME + ".tmp");
            Json.writeFile(tmp, manifest);
            Files.move(tmp, staging.resolve(EnvironmentManifest.FILE_NAME));
            FileTrees.publish(staging, store.installDir(spec));
            published = true;
        } finally {
            if (!published) {
                FileTrees.deleteRecursively(staging);
            }
        }
    }
}
