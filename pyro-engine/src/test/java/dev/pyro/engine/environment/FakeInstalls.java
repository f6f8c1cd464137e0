package dev.pyro.engine.environment;

import dev.pyro.api.environment.EnvironmentInfo;
import dev.pyro.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes install dirs by hand, valid or broken in one chosen way, without building anything. */
public final class FakeInstalls {

    private FakeInstalls() {
    }

    public static EnvironmentManifest manifest(EnvironmentSpec spec, long imageSize) {
        return new EnvironmentManifest(EnvironmentManifest.LAYOUT_VERSION, spec.name(), spec.version(),
                EnvironmentCatalog.CATALOG_VERSION, "debian", "12", "bookworm", spec.packages(), 1,
                "sha256:00", 1.0, 1, "6.1-test", "test",
                new EnvironmentManifest.Artifacts("rootfs.ext4", imageSize, "rootfs"));
    }

    /** A complete, valid install: manifest, image of the recorded size, rootfs with /usr/bin/sh. */
    public static Path valid(EnvironmentStore store, EnvironmentSpec spec) throws IOException {
        Path dir = store.installDir(spec);
        Files.createDirectories(dir.resolve("rootfs/usr/bin"));
        Files.writeString(dir.resolve("rootfs/usr/bin/sh"), "#!fake\n");
        Files.write(dir.resolve("rootfs.ext4"), new byte[4096]);
        Json.MAPPER.writeValue(dir.resolve("environment.json").toFile(), manifest(spec, 4096));
        return dir;
    }

    static List<String> names(List<EnvironmentInfo> infos) {
        return infos.stream().map(EnvironmentInfo::name).toList();
    }
}
