package dev.pyro.engine.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.engine.cache.FileTrees;
import dev.pyro.api.PyroPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store's bookkeeping with a builder that writes plain files (the real builds are in
 * {@link VmTemplateTest}): one build for many waiters, rebuilds of broken templates, failed builds
 * remembered, families retired.
 */
class TemplateStoreTest {

    Path root;
    TemplateStore store;
    final AtomicInteger builds = new AtomicInteger();

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createTempDirectory("pyro-store-");
        store = new TemplateStore(new PyroPaths(root.resolve("cache"), root.resolve("state"), root.resolve("envs")));
    }

    @AfterEach
    void tearDown() throws IOException {
        FileTrees.deleteRecursively(root);
    }

    static TemplateKey key(String bundle) {
        return new TemplateKey("debian:12", "1.0.0", 1.0, "vm", "tcg", 1, 512, "6.1", bundle, "qemu");
    }

    Map<String, Long> build(Path dir) throws IOException, InterruptedException {
        builds.incrementAndGet();
        Thread.sleep(200);
        Files.writeString(dir.resolve("memory.state"), "state");
        return Map.of("memory.state", 5L);
    }

    @Test
    void concurrentCallersWaitForOneBuild() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Template>> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                all.add(pool.submit(() -> store.ensure(key("a"), this::build)));
            }
            for (Future<Template> f : all) {
                assertThat(Files.readString(f.get().file("memory.state"))).isEqualTo("state");
            }
        } finally {
            pool.shutdown();
        }
        assertThat(builds).hasValue(1);
        assertThat(store.status(key("a")).status()).isEqualTo(TemplateStatus.WARM);
    }

    @Test
    void aBrokenTemplateIsRebuiltAndANewKeyRetiresTheOldOne() throws Exception {
        Template first = store.ensure(key("a"), this::build);
        Files.writeString(first.file("memory.state"), "st"); // truncated
        assertThat(store.warm(key("a"))).isEmpty();
        assertThat(store.status(key("a")).reason()).contains("memory.state is missing or has the wrong size");
        store.ensure(key("a"), this::build);
        assertThat(builds).hasValue(2);

        Template next = store.ensure(key("b"), this::build);
        assertThat(first.dir()).doesNotExist();
        assertThat(next.dir()).exists();
        assertThat(store.warm(key("b"))).isPresent();
    }

    @Test
    void aFailedBuildIsNotRetriedAtOnce() throws Exception {
        TemplateStore.Builder failing = dir -> {
            builds.incrementAndGet();
            throw new IOException("the guest did not boot");
        };
        assertThatThrownBy(() -> store.ensure(key("a"), failing)).hasMessage("the guest did not boot");
        assertThatThrownBy(() -> store.ensure(key("a"), failing))
                .hasMessageContaining("the last build of this template failed")
                .hasMessageContaining("the guest did not boot");
        assertThat(builds).hasValue(1);
        assertThat(store.status(key("a")).status()).isEqualTo(TemplateStatus.COLD);
        assertThat(store.status(key("a")).reason()).contains("the guest did not boot");
        // another key (a rebuilt environment, a new agent) is tried at once, and retires the marker
        store.ensure(key("b"), this::build);
        assertThat(builds).hasValue(2);
        try (var files = Files.list(store.dir(key("b")).getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".failed"));
        }
    }

    @Test
    void pruneDeletesOnlyTemplatesOfEnvironmentsGoneFromItsOwnEnvironmentCache() throws Exception {
        Template kept = store.ensure(key("a"), this::build);
        TemplateKey otherSize = new TemplateKey("debian:12", "1.0.0", 1.0, "vm", "tcg", 1, 1024, "6.1", "a", "qemu");
        Template orphan = store.ensure(otherSize, this::build);
        // the same template cache, another environment cache: not ours to judge
        TemplateStore elsewhere = new TemplateStore(new PyroPaths(root.resolve("cache"), root.resolve("state"),
                root.resolve("other-envs")));
        TemplateKey base = new TemplateKey("debian:12-base", "1.0.0", 2.0, "vm", "tcg", 1, 512, "6.1", "a", "qemu");
        Template foreign = elsewhere.ensure(base, this::build);

        List<String> deleted = store.pruneOrphans(k -> k.memMib() == 512 && k.environment().equals("debian:12"));

        assertThat(deleted).containsExactly("debian_12/" + orphan.dir().getFileName());
        assertThat(orphan.dir()).doesNotExist();
        assertThat(kept.dir()).isDirectory();
        assertThat(foreign.dir()).isDirectory();
        assertThat(store.warm(key("a"))).isPresent();
        assertThat(store.pruneOrphans(k -> k.memMib() == 512 && k.environment().equals("debian:12"))).isEmpty();
    }

    @Test
    void pruneLeavesATemplateWhoseFamilyIsBeingBuilt() throws Exception {
        Template template = store.ensure(key("a"), this::build);
        try (var lock = dev.pyro.engine.cache.CacheLock.acquire(
                template.dir().resolveSibling(key("a").family() + "lock"))) {
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    assertThat(store.pruneOrphans(k -> false)).isEmpty();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            other.join();
        }
        assertThat(template.dir()).isDirectory();
        assertThat(store.pruneOrphans(k -> false)).containsExactly("debian_12/" + template.dir().getFileName());
        assertThat(template.dir()).doesNotExist();
    }
}
