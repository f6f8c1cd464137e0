package dev.pyro.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PyroPathsTest {

    Path home = Path.of("/home/u");

    @Test
    void defaultsFollowXdgLocations() {
        PyroPaths paths = PyroPaths.fromEnvironment(Map.of(), home);
        assertThat(paths.cacheDir()).isEqualTo(Path.of("/home/u/.cache/pyro"));
        assertThat(paths.stateDir()).isEqualTo(Path.of("/home/u/.local/state/pyro"));
        assertThat(paths.environmentPlatformDir()).isEqualTo(Path.of("/home/u/.cache/pyro/environments/linux-x86_64"));
        assertThat(paths.kernelDir()).isEqualTo(Path.of("/home/u/.cache/pyro/kernels/linux-x86_64"));
        assertThat(paths.workspacesDir()).isEqualTo(Path.of("/home/u/.local/state/pyro/workspaces"));
    }

    @Test
    void pyroVariablesWinOverXdg() {
        PyroPaths paths = PyroPaths.fromEnvironment(Map.of(
                "XDG_CACHE_HOME", "/xdg/cache", "XDG_STATE_HOME", "/xdg/state",
                "PYRO_CACHE_DIR", "/p/cache", "PYRO_STATE_DIR", "/p/state"), home);
        assertThat(paths.cacheDir()).isEqualTo(Path.of("/p/cache"));
        assertThat(paths.stateDir()).isEqualTo(Path.of("/p/state"));
        assertThat(paths.environmentCacheDir()).isEqualTo(Path.of("/p/cache/environments"));
    }

    @Test
    void environmentCacheCanMoveAlone() {
        PyroPaths paths = PyroPaths.fromEnvironment(Map.of("PYRO_ENVIRONMENT_CACHE_DIR", "/envs",
                "XDG_CACHE_HOME", "/xdg/cache", "PYRO_STATE_DIR", ""), home);
        assertThat(paths.environmentCacheDir()).isEqualTo(Path.of("/envs"));
        assertThat(paths.cacheDir()).isEqualTo(Path.of("/xdg/cache/pyro"));
        assertThat(paths.stateDir()).isEqualTo(Path.of("/home/u/.local/state/pyro"));
    }

    @Test
    void packageCacheCanStayWhileTheRestOfTheCacheMoves() {
        PyroPaths paths = PyroPaths.fromEnvironment(Map.of("PYRO_CACHE_DIR", "/tmp/cold"), home);
        assertThat(paths.packageCacheDir(Map.of())).isEqualTo(Path.of("/tmp/cold/packages"));
        assertThat(paths.packageCacheDir(Map.of("PYRO_PACKAGE_CACHE_DIR", "/home/u/.cache/pyro/packages")))
                .isEqualTo(Path.of("/home/u/.cache/pyro/packages"));
    }
}
