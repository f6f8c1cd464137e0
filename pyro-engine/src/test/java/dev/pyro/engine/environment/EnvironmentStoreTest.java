package dev.pyro.engine.environment;

import dev.pyro.api.environment.PruneResult;
import dev.pyro.api.environment.EnvironmentInfo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.cache.CacheLock;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.api.Json;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentStoreTest {

    @TempDir
    Path tmp;

    EnvironmentStore store;
    EnvironmentSpec base = EnvironmentCatalog.get("debian:12-base");

    @BeforeEach
    void setUp() {
        store = new EnvironmentStore(new PyroPaths(tmp.resolve("cache"), tmp.resolve("state"), tmp.resolve("envs")));
    }

    @Test
    void installDirFollowsTheCacheLayout() {
        assertThat(store.installDir(base)).isEqualTo(tmp.resolve("envs/linux-x86_64/debian_12-base-1.0.0"));
    }

    @Test
    void aCompleteInstallIsInstalled() throws IOException {
        FakeInstalls.valid(store, base);
        InstallState state = store.check(base);
        assertThat(state.installed()).isTrue();
        assertThat(state.reason()).isNull();
        assertThat(state.manifest().name()).isEqualTo("debian:12-base");
        EnvironmentInfo info = store.info(base);
        assertThat(info.installed()).isTrue();
        assertThat(info.installDir()).isEqualTo(store.installDir(base).toString());
        assertThat(info.cacheDir()).isEqualTo(tmp.resolve("envs").toString());
    }

    @Test
    void nothingPulledIsNotInstalled() {
        assertThat(store.check(base)).extracting(InstallState::installed, InstallState::reason)
                .containsExactly(false, "not pulled yet");
    }

    @Test
    void anEmptyDirIsNotInstalled() throws IOException {
        Files.createDirectories(store.installDir(base));
        assertThat(store.check(base).installed()).isFalse();
        assertThat(store.check(base).reason()).isEqualTo("environment.json is missing");
    }

    @Test
    void aTruncatedImageIsNotInstalled() throws IOException {
        Path dir = FakeInstalls.valid(store, base);
        try (RandomAccessFile image = new RandomAccessFile(dir.resolve("rootfs.ext4").toFile(), "rw")) {
            image.setLength(100);
        }
        InstallState state = store.check(base);
        assertThat(state.installed()).isFalse();
        assertThat(state.reason()).contains("rootfs.ext4 is 100 bytes, expected 4096").contains("truncated");
    }

    @Test
    void aMissingImageIsNotInstalled() throws IOException {
        Path dir = FakeInstalls.valid(store, base);
        Files.delete(dir.resolve("rootfs.ext4"));
        assertThat(store.check(base).reason()).isEqualTo("rootfs.ext4 is missing");
    }

    @Test
    void anImageThatIsABrokenLinkIsNotInstalled() throws IOException {
        Path dir = FakeInstalls.valid(store, base);
        Files.delete(dir.resolve("rootfs.ext4"));
        Files.createSymbolicLink(dir.resolve("rootfs.ext4"), tmp.resolve("nowhere"));
        assertThat(store.check(base).reason()).isEqualTo("rootfs.ext4 is missing");
    }

    @Test
    void aRootfsWithoutAShellIsPartial() throws IOException {
        Path dir = FakeInstalls.valid(store, base);
        Files.delete(dir.resolve("rootfs/usr/bin/sh"));
        assertThat(store.check(base).reason()).contains("partial rootfs");
    }

    @Test
    void anUnreadableManifestIsNotInstalled() throws IOException {
        Path dir = FakeInstalls.valid(store, base);
        Files.writeString(dir.resolve("environment.json"), "{\"name\": \"debian:12-base\", trunc");
        InstallState state = store.check(base);
        assertThat(state.installed()).isFalse();
        assertThat(state.reason()).startsWith("environment.json is unreadable");
    }

    @Test
    void aManifestThatIsNotAnObjectIsNotInstalled() throws IOException {
        Path dir = FakeInstalls.valid(store, base);
        Files.writeString(dir.resolve("environment.json"), "[1, 2]");
        assertThat(store.check(base).reason()).isEqualTo("environment.json is not a JSON object");
    }

    @Test
    void aManifestOfAnotherEnvironmentIsNotInstalled() throws IOException {
        Path dir = FakeInstalls.valid(store, base);
        Json.MAPPER.writeValue(dir.resolve("environment.json").toFile(),
                FakeInstalls.manifest(EnvironmentCatalog.get("debian:12"), 4096));
        assertThat(store.check(base).reason()).contains("describes debian:12 1.0.0");
    }

    @Test
    void anArtifactPathLeavingTheInstallDirIsRefused() throws IOException {
        Path dir = FakeInstalls.valid(store, base);
        EnvironmentManifest m = FakeInstalls.manifest(base, 4096);
        EnvironmentManifest escaping = new EnvironmentManifest(m.layoutVersion(), m.name(), m.version(),
                m.catalogVersion(), m.distribution(), m.distributionVersion(), m.suite(), m.packages(),
                m.installedPackageCount(), m.digest(), m.builtAt(), m.buildMillis(), m.kernelVersion(), m.source(),
                new EnvironmentManifest.Artifacts("../../../etc/passwd", 4096, "rootfs"));
        Json.MAPPER.writeValue(dir.resolve("environment.json").toFile(), escaping);
        assertThat(store.check(base).reason()).contains("leaves the install dir");
    }

    @Test
    void anInstallDirThatIsASymlinkIsNotInstalled() throws IOException {
        Path real = tmp.resolve("elsewhere");
        Files.createDirectories(real);
        Files.createDirectories(store.platformDir());
        Files.createSymbolicLink(store.installDir(base), real);
        assertThat(store.check(base).reason()).isEqualTo("install dir is a symbolic link");
    }

    @Test
    void pruneDeletesInvalidPartialAndUnknownDirsButKeepsValidOnes() throws IOException {
        FakeInstalls.valid(store, base);
        EnvironmentSpec git = EnvironmentCatalog.get("debian:12");
        Files.createDirectories(store.installDir(git)); // empty: invalid
        Files.createDirectories(store.platformDir().resolve(".partial-debian_12-build-1.0.0-abcd1234"));
        Files.createDirectories(store.platformDir().resolve("debian_12-0.9.0")); // old version
        PruneResult result = store.prune();
        assertThat(result.deletedEnvironmentDirs()).containsExactly(
                ".partial-debian_12-build-1.0.0-abcd1234", "debian_12-0.9.0", "debian_12-1.0.0");
        assertThat(result.count()).isEqualTo(3);
        assertThat(store.check(base).installed()).isTrue();
        assertThat(Files.exists(store.installDir(git))).isFalse();
    }

    @Test
    void pruneLeavesAnEnvironmentBeingBuiltAlone() throws Exception {
        Path partial = store.platformDir().resolve(".partial-debian_12-base-1.0.0-abcd1234");
        Files.createDirectories(partial);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread builder = new Thread(() -> {
            try (CacheLock lock = CacheLock.acquire(store.lockFile(base))) {
                held.countDown();
                release.await();
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        builder.start();
        held.await();
        try {
            PruneResult whileBuilding = store.prune();
            assertThat(whileBuilding.count()).isZero();
            assertThat(partial).isDirectory();
        } finally {
            release.countDown();
            builder.join();
        }
        assertThat(store.prune().deletedEnvironmentDirs()).containsExactly(partial.getFileName().toString());
        assertThat(partial).doesNotExist();
    }

    @Test
    void pruneLeavesAStagingDirWhoseBuilderProcessRunsAloneEvenWithoutItsLock() throws Exception {
        // a builder that lost its OS lock (as closing a second channel once made happen) is still building
        Path building = dev.pyro.engine.cache.FileTrees.createStaging(store.platformDir(), base.installDirName());
        assertThat(store.prune().deletedEnvironmentDirs()).doesNotContain(building.getFileName().toString());
        assertThat(building).isDirectory();
    }

    @Test
    void listCoversTheWholeCatalogInOrder() {
        assertThat(FakeInstalls.names(store.list())).containsExactly("debian:12", "debian:12-base", "debian:12-build");
    }
}
