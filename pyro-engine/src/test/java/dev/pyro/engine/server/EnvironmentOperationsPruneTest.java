package dev.pyro.engine.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.config.PyroPaths;
import dev.pyro.api.environment.PruneResult;
import dev.pyro.engine.template.Template;
import dev.pyro.engine.template.TemplateKey;
import dev.pyro.engine.template.TemplateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code env prune} removes the warm templates of environments its environment cache no longer holds. */
class EnvironmentOperationsPruneTest {

    @TempDir
    Path dir;

    @Test
    void templatesOfAnEnvironmentThatIsNotInstalledArePruned() throws Exception {
        PyroPaths paths = new PyroPaths(dir.resolve("cache"), dir.resolve("state"), dir.resolve("environments"));
        TemplateStore templates = new TemplateStore(paths);
        TemplateKey key = new TemplateKey("debian:12", "1.0.0", 1.0, "vm", "tcg", 1, 512, "6.1", "bundle", "qemu");
        Template template = templates.ensure(key, d -> {
            Files.writeString(d.resolve("memory.state"), "state");
            return Map.of("memory.state", 5L);
        });
        Files.createDirectories(paths.environmentCacheDir().resolve(PyroPaths.PLATFORM).resolve("debian_12-0.9.0"));

        PruneResult result = new EnvironmentOperations(paths).prune();

        assertThat(result.deletedEnvironmentDirs()).containsExactly("debian_12-0.9.0");
        assertThat(result.count()).isEqualTo(1);
        assertThat(result.deletedTemplateDirs()).containsExactly("debian_12/" + template.dir().getFileName());
        assertThat(template.dir()).doesNotExist();
        assertThat(new EnvironmentOperations(paths).prune().deletedTemplateDirs()).isEmpty();
    }
}
