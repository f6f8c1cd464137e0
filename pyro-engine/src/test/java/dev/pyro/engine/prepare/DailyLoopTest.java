package dev.pyro.engine.prepare;

import dev.pyro.api.environment.DailyLoopReport;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.environment.EnvironmentCatalog;
import dev.pyro.engine.environment.EnvironmentStore;
import dev.pyro.engine.environment.FakeInstalls;
import dev.pyro.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The daily-loop states and reasons of spec §10.7, from hand-written manifests and installs. */
class DailyLoopTest {

    static final String ENV = "debian:12";
    Path root;
    PyroPaths paths;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createTempDirectory("pyro-daily-");
        paths = new PyroPaths(root.resolve("cache"), root.resolve("state"), root.resolve("cache/environments"));
    }

    @AfterEach
    void tearDown() throws Exception {
        FileTrees.deleteRecursively(root);
    }

    PrepareManifest manifest() {
        return new PrepareManifest(1, ENV, EnvironmentCatalog.get(ENV).version(), PyroPaths.PLATFORM,
                EnvironmentCatalog.CATALOG_VERSION, DailyLoop.bundleVersion(), 100.0, false, 1234, "gvisor", 1.0);
    }

    void install() throws Exception {
        FakeInstalls.valid(new EnvironmentStore(paths), EnvironmentCatalog.get(ENV));
    }

    DailyLoopReport withManifest(UnaryOperator<ObjectNode> edit) throws Exception {
        Path path = DailyLoop.manifestPath(paths, ENV);
        DailyLoop.write(path, manifest());
        ObjectNode node = (ObjectNode) Json.MAPPER.readTree(Files.readString(path));
        Files.writeString(path, Json.MAPPER.writeValueAsString(edit.apply(node)));
        return DailyLoop.evaluate(paths, ENV);
    }

    @Test
    void coldUntilPreparedThenWarm() throws Exception {
        DailyLoopReport missing = DailyLoop.evaluate(paths, ENV);
        assertThat(missing.status()).isEqualTo("cold");
        assertThat(missing.reason()).isEqualTo("environment is not installed");
        assertThat(missing.fix()).isEqualTo("pyro prepare debian:12");
        install();
        assertThat(DailyLoop.evaluate(paths, ENV).reason()).isEqualTo("daily loop has not been prepared yet");

        DailyLoopReport warm = withManifest(n -> n);
        assertThat(warm.status()).isEqualTo("warm");
        assertThat(warm.reason()).isNull();
        assertThat(warm.fix()).isNull();
        assertThat(warm.preparedAt()).isEqualTo(100.0);
        assertThat(warm.networkPrepared()).isFalse();
        assertThat(warm.manifestPath()).endsWith(".prepare/linux-x86_64/debian_12.json");
        String text = Files.readString(DailyLoop.manifestPath(paths, ENV));
        assertThat(text.indexOf("\"backend\"")).isLessThan(text.indexOf("\"bundle_version\""))
                .isLessThan(text.indexOf("\"layout_version\"")); // keys sorted
    }

    @Test
    void everyChangeMakesItStaleWithItsReason() throws Exception {
        install();
        Map<String, UnaryOperator<ObjectNode>> edits = new java.util.LinkedHashMap<>();
        edits.put("prepare manifest environment does not match the selected environment",
                n -> n.put("environment", "debian:12-base"));
        edits.put("environment version changed since the last prepare run", n -> n.put("environment_version", "0.9"));
        edits.put("platform changed since the last prepare run", n -> n.put("platform", "linux-aarch64"));
        edits.put("catalog version changed since the last prepare run", n -> n.put("catalog_version", "0.1"));
        edits.put("runtime bundle version changed since the last prepare run", n -> n.put("bundle_version", "old"));
        edits.put("environment was rebuilt since the last prepare run", n -> n.put("environment_built_at", 2.0));
        edits.forEach((reason, edit) -> {
            try {
                DailyLoopReport report = withManifest(edit);
                assertThat(report.status()).as(reason).isEqualTo("stale");
                assertThat(report.reason()).isEqualTo(reason);
                assertThat(report.fix()).isEqualTo("pyro prepare debian:12");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void brokenManifestsAndAMissingInstallAreStale() throws Exception {
        install();
        Path path = DailyLoop.manifestPath(paths, ENV);
        Files.createDirectories(path.getParent());
        Files.writeString(path, "{not json");
        assertThat(DailyLoop.evaluate(paths, ENV).reason()).startsWith("prepare manifest is unreadable: ");
        Files.writeString(path, "[1, 2]");
        assertThat(DailyLoop.evaluate(paths, ENV).reason()).isEqualTo("prepare manifest is not a JSON object");
        Files.writeString(path, "{\"layout_version\": \"x\"}");
        assertThat(DailyLoop.evaluate(paths, ENV).reason()).startsWith("prepare manifest is invalid: ");

        DailyLoop.write(path, manifest());
        FileTrees.deleteRecursively(new EnvironmentStore(paths).installDir(EnvironmentCatalog.get(ENV)));
        DailyLoopReport gone = DailyLoop.evaluate(paths, ENV);
        assertThat(gone.status()).isEqualTo("stale");
        assertThat(gone.reason()).isEqualTo("environment install is missing");
    }
}
