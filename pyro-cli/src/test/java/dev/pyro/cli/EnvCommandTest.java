package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.api.Json;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.pyro.engine.cache.FileTrees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code pyro env ...} end to end: real Debian builds, real files, both output modes. */
class EnvCommandTest {

    // Rootfs trees hold absolute symlinks; JUnit's cleanup warns on each, ours just deletes them.
    @TempDir(cleanup = CleanupMode.NEVER)
    Path tmp;

    @AfterEach
    void deleteTmp() throws Exception {
        FileTrees.deleteRecursively(tmp);
    }

    @Test
    void listShowsTheCatalogInBothModes() throws Exception {
        CliProcess cli = new CliProcess().isolatedIn(tmp);
        CliProcess.Result human = cli.run("env", "list");
        assertThat(human.exitCode()).isZero();
        assertThat(human.stdout().lines().toList()).hasSize(4).first().isEqualTo("Catalog version: 1.0.0");
        assertThat(human.stdout()).containsPattern("(?m)^debian:12-base\\s+not installed\\s+Minimal Debian 12");

        CliProcess.Result json = cli.run("env", "list", "--json");
        assertThat(json.exitCode()).isZero();
        JsonNode root = Json.MAPPER.readTree(json.stdout());
        assertThat(root.get("catalog_version").asString()).isEqualTo("1.0.0");
        JsonNode first = root.get("environments").get(0);
        assertThat(first.get("name").asString()).isEqualTo("debian:12");
        assertThat(first.get("installed").asBoolean()).isFalse();
        assertThat(first.get("install_dir").asString())
                .isEqualTo(tmp.resolve("environments/linux-x86_64/debian_12-1.0.0").toString());
        assertThat(first.get("cache_dir").asString()).isEqualTo(tmp.resolve("environments").toString());
        assertThat(first.get("default_packages")).hasSize(3);
        assertThat(json.stderr()).isEmpty();
    }

    @Test
    void anUnknownEnvironmentIsOneLineExitTwoAndWritesNothing() throws Exception {
        CliProcess cli = new CliProcess().isolatedIn(tmp);
        for (String command : List.of("pull", "inspect")) {
            CliProcess.Result result = cli.run("env", command, "debian:13");
            assertThat(result.exitCode()).as(command).isEqualTo(2);
            assertThat(result.stderr()).as(command).isEqualTo("error: unknown environment 'debian:13'; "
                    + "known environments: debian:12, debian:12-base, debian:12-build\n");
            assertThat(result.stdout()).isEmpty();
        }
        assertThat(tmp.resolve("environments")).doesNotExist();
    }

    @Test
    void pullBuildsARealEnvironmentIntoTheSharedCache() throws Exception {
        // The shared cache (~/.cache/pyro) keeps this build between test runs.
        CliProcess cli = new CliProcess().env("PYRO_STATE_DIR", tmp.resolve("state").toString());
        CliProcess.Result json = cli.run("env", "pull", "debian:12-base", "--json");
        assertThat(json.exitCode()).as(json.stderr()).isZero();
        assertThat(json.stderr()).as("--json prints no progress").isEmpty();
        JsonNode env = Json.MAPPER.readTree(json.stdout());
        assertThat(env.get("installed").asBoolean()).isTrue();
        assertThat(env.get("reason").isNull()).isTrue();
        assertThat(env.get("digest").asString()).startsWith("sha256:");
        Path installDir = Path.of(env.get("install_dir").asString());

        Path rootfs = installDir.resolve("rootfs");
        assertThat(rootfs.resolve("usr/bin/bash")).isRegularFile();
        assertThat(rootfs.resolve("workspace")).isDirectory();
        assertThat(rootfs.resolve("usr/bin/git")).doesNotExist();
        assertThat(Files.readString(rootfs.resolve("etc/hostname"))).isEqualTo("pyro\n");
        assertThat(ext4Magic(installDir.resolve("rootfs.ext4"))).isEqualTo(0xEF53);
        JsonNode manifest = Json.MAPPER.readTree(installDir.resolve("environment.json").toFile());
        assertThat(manifest.get("name").asString()).isEqualTo("debian:12-base");
        assertThat(manifest.get("artifacts").get("rootfs_image_size_bytes").asLong())
                .isEqualTo(Files.size(installDir.resolve("rootfs.ext4")));
        assertThat(manifest.get("kernel_version").asString()).startsWith("6.1.");
        assertThat(manifest.get("built_at").asDouble()).isPositive();

        CliProcess.Result human = cli.run("env", "pull", "debian:12-base");
        assertThat(human.exitCode()).isZero();
        assertThat(human.stderr()).isEqualTo("[pull] phase=ready environment=debian:12-base\n");
        assertThat(human.stdout()).containsPattern("(?m)^Pulled:\\s+debian:12-base$")
                .containsPattern("(?m)^Installed:\\s+yes$")
                .containsPattern("(?m)^Distribution:\\s+debian 12$");
    }

    @Test
    void concurrentPullsBuildOnceAndABrokenInstallIsRepaired() throws Exception {
        CliProcess cli = new CliProcess().isolatedIn(tmp);
        Process first = cli.start("env", "pull", "debian:12-base");
        Process second = cli.start("env", "pull", "debian:12-base");
        CliProcess.Result a = CliProcess.finish(first, 900);
        CliProcess.Result b = CliProcess.finish(second, 900);
        assertThat(a.exitCode()).as(a.stderr()).isZero();
        assertThat(b.exitCode()).as(b.stderr()).isZero();
        long builders = List.of(a, b).stream().filter(r -> r.stderr().contains("phase=install")).count();
        assertThat(builders).as("exactly one process builds, the other waits and reuses").isEqualTo(1);
        assertThat(digest(a.stdout())).isEqualTo(digest(b.stdout()));
        assertThat(a.stdout()).containsPattern("(?m)^Installed:\\s+yes$");
        assertThat(b.stdout()).containsPattern("(?m)^Installed:\\s+yes$");
        Path platformDir = tmp.resolve("environments/linux-x86_64");
        try (var children = Files.list(platformDir)) {
            assertThat(children.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".lock-")))
                    .containsExactly("debian_12-base-1.0.0");
        }

        Path image = platformDir.resolve("debian_12-base-1.0.0/rootfs.ext4");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(file.length() / 2);
        }
        JsonNode broken = Json.MAPPER.readTree(cli.run("env", "inspect", "debian:12-base", "--json").stdout());
        assertThat(broken.get("installed").asBoolean()).isFalse();
        assertThat(broken.get("reason").asString()).contains("rootfs.ext4").contains("truncated");
        CliProcess.Result human = cli.run("env", "inspect", "debian:12-base");
        assertThat(human.stdout()).containsPattern("(?m)^Installed:\\s+no \\(rootfs.ext4 is \\d+ bytes, expected \\d+");

        CliProcess.Result repair = cli.run("env", "pull", "debian:12-base");
        assertThat(repair.exitCode()).as(repair.stderr()).isZero();
        assertThat(repair.stderr()).contains("[pull] phase=install environment=debian:12-base");
        JsonNode repaired = Json.MAPPER.readTree(cli.run("env", "inspect", "debian:12-base", "--json").stdout());
        assertThat(repaired.get("installed").asBoolean()).isTrue();

        Files.createDirectories(platformDir.resolve("debian_12-0.1.0"));
        Files.createDirectories(platformDir.resolve(".partial-debian_12-1.0.0-deadbeef"));
        CliProcess.Result prune = cli.run("env", "prune", "--json");
        assertThat(prune.exitCode()).isZero();
        JsonNode pruned = Json.MAPPER.readTree(prune.stdout());
        assertThat(pruned.get("count").asInt()).isEqualTo(2);
        assertThat(pruned.get("deleted_environment_dirs").valueStream().map(JsonNode::asString))
                .containsExactly(".partial-debian_12-1.0.0-deadbeef", "debian_12-0.1.0");
        // the shared template cache holds templates of the shared environment cache: not this one's to prune
        assertThat(pruned.get("deleted_template_dirs").isArray()).isTrue();
        assertThat(pruned.get("deleted_template_dirs").isEmpty()).isTrue();
        assertThat(cli.run("env", "prune").stdout()).isEqualTo("Nothing to prune.\n");
        assertThat(platformDir.resolve("debian_12-base-1.0.0/rootfs.ext4")).isRegularFile();
    }

    private static String digest(String humanPull) {
        Matcher m = Pattern.compile("(?m)^Digest:\\s+(\\S+)$").matcher(humanPull);
        assertThat(m.find()).as(humanPull).isTrue();
        return m.group(1);
    }

    private static int ext4Magic(Path image) throws Exception {
        try (FileChannel channel = FileChannel.open(image)) {
            ByteBuffer buffer = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(buffer, 1024 + 0x38);
            return Short.toUnsignedInt(buffer.getShort(0));
        }
    }
}
