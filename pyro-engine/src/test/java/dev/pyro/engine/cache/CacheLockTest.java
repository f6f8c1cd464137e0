package dev.pyro.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheLockTest {

    @TempDir
    Path dir;

    @Test
    void aThreadHoldingTheLockTakesItAgainAndOthersWaitUntilTheOuterHoldEnds() throws Exception {
        Path file = dir.resolve("entry.lock");
        try (CacheLock outer = CacheLock.acquire(file)) {
            try (CacheLock nested = CacheLock.acquire(file)) {
                assertThat(CacheLock.tryAcquire(file)).isPresent().get().satisfies(CacheLock::close);
            }
            // the nested release must not free the lock for another thread
            assertThat(CompletableFuture.supplyAsync(() -> tryFromAnotherThread(file)).get()).isFalse();
        }
        assertThat(CompletableFuture.supplyAsync(() -> tryFromAnotherThread(file)).get()).isTrue();
    }

    private static boolean tryFromAnotherThread(Path file) {
        try {
            var lock = CacheLock.tryAcquire(file);
            if (lock.isPresent()) {
                lock.get().close();
                return true;
            }
            return false;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
