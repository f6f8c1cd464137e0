package dev.pyro.api;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where Pyro keeps its files on the host. Caches (environments, kernels, agent binaries) can be
 * rebuilt; state (workspace records) cannot. Both are overridable so tests can isolate themselves.
 */
public record PyroPaths(Path cacheDir, Path stateDir, Path environmentCacheDir) {

    public static final String PLATFORM = "linux-x86_64";

    public static PyroPaths fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    static PyroPaths fromEnvironment(Map<String, String> env, Path home) {
        Path cache = pathOr(env, "PYRO_CACHE_DIR",
                pathOr(env, "XDG_CACHE_HOME", home.resolve(".cache")).resolve("pyro"));
        Path state = pathOr(env, "PYRO_STATE_DIR",
                pathOr(env, "XDG_STATE_HOME", home.resolve(".local/state")).resolve("pyro"));
        Path environments = pathOr(env, "PYRO_ENVIRONMENT_CACHE_DIR", cache.resolve("environments"));
        return new PyroPaths(cache.toAbsolutePath(), state.toAbsolutePath(), environments.toAbsolutePath());
    }

    private static Path pathOr(Map<String, String> env, String name, Path fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : Path.of(value);
    }

    /** Installed environments for this platform: {@code <environments>/linux-x86_64}. */
    public Path environmentPlatformDir() {
        return environmentCacheDir.resolve(PLATFORM);
    }

    /** Built guest kernels, shared by all environments: {@code <cache>/kernels/linux-x86_64}. */
    public Path kernelDir() {
        return cacheDir.resolve("kernels").resolve(PLATFORM);
    }

    /**
     * Reusable downloaded Debian packages, so rebuilding an environment does not fetch again:
     * {@code <cache>/packages}, or {@code PYRO_PACKAGE_CACHE_DIR} (the cold test run builds kernels
     * and environments in an empty cache but keeps the downloads shared).
     */
    public Path packageCacheDir() {
        return packageCacheDir(System.getenv());
    }

    Path packageCacheDir(Map<String, String> env) {
        return pathOr(env, "PYRO_PACKAGE_CACHE_DIR", cacheDir.resolve("packages")).toAbsolutePath();
    }

    public Path workspacesDir() {
        return stateDir.resolve("workspaces");
    }
}
