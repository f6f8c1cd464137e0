package dev.pyro.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.api.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cache validity rules, on fake kernel installs: no kernel is built here (that takes minutes). */
class KernelBuilderTest {

    private static final String SOURCE = "6.1.192-2";
    private static final int IMAGE_SIZE = 4096;

    @TempDir
    Path temp;

    private PyroPaths paths;
    private KernelBuilder builder;
    private String version;

    @BeforeEach
    void setUp() {
        paths = new PyroPaths(temp.resolve("cache"), temp.resolve("state"), temp.resolve("cache/environments"));
        // The tarball does not exist: any attempt to build would fail, so a returned kernel is from the cache.
        builder = new KernelBuilder(paths, temp.resolve("no-such-source.tar.xz"), () -> Optional.of(SOURCE));
        version = KernelBuilder.versionFor(SOURCE);
    }

    @Test
    void versionNamesUpstreamSourceAndConfigDigest() {
        assertThat(version).isEqualTo("6.1.192-pyro-" + KernelBuilder.configSha256().substring(0, 8));
        assertThat(KernelBuilder.configSha256()).hasSize(64).matches("[0-9a-f]+");
    }

    @Test
    void validEntryIsInstalled() throws IOException {
        Path dir = fakeInstall(version, IMAGE_SIZE, IMAGE_SIZE, KernelBuilder.configSha256());

        Optional<GuestKernel> kernel = builder.installed();

        assertThat(kernel).isPresent();
        assertThat(kernel.get().version()).isEqualTo(version);
        assertThat(kernel.get().directory()).isEqualTo(dir);
        assertThat(kernel.get().image()).isEqualTo(dir.resolve("bzImage"));
        assertThat(kernel.get().imageSizeBytes()).isEqualTo(IMAGE_SIZE);
        assertThat(kernel.get().sourceVersion()).isEqualTo(SOURCE);
        assertThat(builder.ensureBuilt(Progress.NONE)).isEqualTo(kernel.get());
    }

    @Test
    void nothingInstalledWhenCacheIsEmpty() {
        assertThat(builder.installed()).isEmpty();
    }

    @Test
    void missingImageIsNotInstalled() throws IOException {
        Path dir = fakeInstall(version, IMAGE_SIZE, IMAGE_SIZE, KernelBuilder.configSha256());
        Files.delete(dir.resolve("bzImage"));

        assertThat(builder.installed()).isEmpty();
    }

    @Test
    void truncatedImageIsNotInstalled() throws IOException {
        fakeInstall(version, IMAGE_SIZE / 2, IMAGE_SIZE, KernelBuilder.configSha256());

        assertThat(builder.installed()).isEmpty();
    }

    @Test
    void imageThatIsASymlinkIsNotInstalled() throws IOException {
        Path dir = fakeInstall(version, IMAGE_SIZE, IMAGE_SIZE, KernelBuilder.configSha256());
        Path elsewhere = Files.move(dir.resolve("bzImage"), temp.resolve("bzImage"));
        Files.createSymbolicLink(dir.resolve("bzImage"), elsewhere);

        assertThat(builder.installed()).isEmpty();
    }

    @Test
    void missingManifestIsNotInstalled() throws IOException {
        Path dir = fakeInstall(version, IMAGE_SIZE, IMAGE_SIZE, KernelBuilder.configSha256());
        Files.delete(dir.resolve("kernel.json"));

        assertThat(builder.installed()).isEmpty();
    }

    @Test
    void invalidManifestIsNotInstalled() throws IOException {
        Path dir = fakeInstall(version, IMAGE_SIZE, IMAGE_SIZE, KernelBuilder.configSha256());
        Path manifest = dir.resolve("kernel.json");

        for (String content : new String[] {"", "{not json", "null", "[1, 2]", "\"bzImage\"", "{}",
                "{\"version\": \"" + version + "\", \"image_size_bytes\": \"many\"}"}) {
            Files.writeString(manifest, content);
            assertThat(builder.installed()).as("kernel.json = %s", content).isEmpty();
        }
    }

    @Test
    void manifestThatIsADirectoryIsNotInstalled() throws IOException {
        Path dir = fakeInstall(version, IMAGE_SIZE, IMAGE_SIZE, KernelBuilder.configSha256());
        Files.delete(dir.resolve("kernel.json"));
        Files.createDirectory(dir.resolve("kernel.json"));

        assertThat(builder.installed()).isEmpty();
    }

    @Test
    void kernelOfAnotherConfigIsNotInstalled() throws IOException {
        fakeInstall(version, IMAGE_SIZE, IMAGE_SIZE, "0".repeat(64));

        assertThat(builder.installed()).isEmpty();
    }

    @Test
    void manifestNamingAnotherVersionIsNotInstalled() throws IOException {
        Path dir = fakeInstall(version, IMAGE_SIZE, IMAGE_SIZE, KernelBuilder.configSha256());
        Files.writeString(dir.resolve("kernel.json"),
                manifest("6.1.1-pyro-00000000", IMAGE_SIZE, KernelBuilder.configSha256()));

        assertThat(builder.installed()).isEmpty();
    }

    @Test
    void kernelOfOlderSourceIsNotTheExpectedOne() throws IOException {
        fakeInstall(KernelBuilder.versionFor("6.1.150-1"), IMAGE_SIZE, IMAGE_SIZE, KernelBuilder.configSha256());

        assertThat(builder.installed()).isEmpty();
    }

    @Test
    void withoutSourcePackageAValidKernelOfThisConfigIsStillUsed() throws IOException {
        String older = KernelBuilder.versionFor("6.1.150-1");
        fakeInstall(older, IMAGE_SIZE, IMAGE_SIZE, KernelBuilder.configSha256());
        fakeInstall(KernelBuilder.versionFor("6.1.151-1"), 10, IMAGE_SIZE, KernelBuilder.configSha256()); // truncated
        KernelBuilder noSource = new KernelBuilder(paths, temp.resolve("none.tar.xz"), Optional::empty);

        assertThat(noSource.installed()).map(GuestKernel::version).contains(older);
    }

    @Test
    void buildingWithoutSourcePackageNamesThePackageAndTheFix() {
        KernelBuilder noSource = new KernelBuilder(paths, temp.resolve("none.tar.xz"), Optional::empty);

        assertThatThrownBy(() -> noSource.ensureBuilt(Progress.NONE))
                .isInstanceOf(PyroException.class)
                .hasMessageContaining("linux-source-6.1")
                .hasMessageContaining("pyro doctor --fix");
        assertThatThrownBy(() -> builder.ensureBuilt(Progress.NONE)) // package known, tarball gone
                .isInstanceOf(PyroException.class)
                .hasMessageContaining("linux-source-6.1")
                .hasMessageContaining("pyro doctor --fix");
        assertThat(paths.kernelDir().resolve(version)).doesNotExist();
    }

    @Test
    void configCheckReportsSettingsKconfigDropped() {
        String fragment = "# comment\nCONFIG_VIRTIO_BLK=y\nCONFIG_MODULES=n\nCONFIG_NR_CPUS=8\nCONFIG_LOCALVERSION=\"-pyro\"\n";
        String kept = "CONFIG_VIRTIO_BLK=y\n# CONFIG_MODULES is not set\nCONFIG_NR_CPUS=8\nCONFIG_LOCALVERSION=\"-pyro\"\n";
        String dropped = "# CONFIG_VIRTIO_BLK is not set\nCONFIG_MODULES=y\nCONFIG_NR_CPUS=64\n";

        assertThat(KernelBuilder.lostSettings(fragment, kept)).isEmpty();
        assertThat(KernelBuilder.lostSettings(fragment, dropped)).containsExactly(
                "CONFIG_VIRTIO_BLK=y (got n)", "CONFIG_MODULES=n (got y)", "CONFIG_NR_CPUS=8 (got 64)",
                "CONFIG_LOCALVERSION=\"-pyro\" (got n)");
    }

    private Path fakeInstall(String dirVersion, int actualSize, long recordedSize, String configSha)
            throws IOException {
        Path dir = Files.createDirectories(paths.kernelDir().resolve(dirVersion));
        Files.write(dir.resolve("bzImage"), new byte[actualSize]);
        Files.writeString(dir.resolve("kernel.json"), manifest(dirVersion, recordedSize, configSha));
        return dir;
    }

    /** Written by hand, not by the production record, so the snake_case field names are pinned too. */
    private static String manifest(String version, long imageSize, String configSha) {
        return """
                {
                  "version": "%s",
                  "source_package": "linux-source-6.1",
                  "source_version": "%s",
                  "config_sha256": "%s",
                  "built_at": 1795000000.5,
                  "image": "bzImage",
                  "image_size_bytes": %d,
                  "build_seconds": 480.25
                }
                """.formatted(version, SOURCE, configSha, imageSize);
    }
}
