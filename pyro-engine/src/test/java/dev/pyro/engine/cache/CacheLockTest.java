package dev.pyro.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

    /**
     * The fresh-machine failure: VmTemplateTest reaches the kernel cache through a symlink while
     * other tests use the direct path. Keyed by path, the two threads got two in-process locks, the
     * JVM threw OverlappingFileLockException, and closing the failed channel dropped the holder's
     * OS lock so another process could walk in. Keyed by the file, they wait for each other.
     */
    @Test
    void threadsReachingOneFileThroughASymlinkAndDirectlySerialize() throws Exception {
        Path real = Files.createDirectories(dir.resolve("cache/kernels"));
        Path link = Files.createSymbolicLink(dir.resolve("linked"), real);
        Path direct = real.resolve(".lock");
        Path viaLink = link.resolve(".lock");
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                Path path = i % 2 == 0 ? direct : viaLink;
                runs.add(pool.submit(() -> {
                    try (CacheLock lock = CacheLock.acquire(path)) {
                        if (inside.incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                        }
                        Thread.sleep(2);
                        inside.decrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(30, TimeUnit.SECONDS); // an OverlappingFileLockException would surface here
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(overlaps).hasValue(0);
    }

    @Test
    void aFailedTryThroughAnotherPathKeepsTheOsLockOfTheHolder() throws Exception {
        Path real = Files.createDirectories(dir.resolve("cache/kernels"));
        Path link = Files.createSymbolicLink(dir.resolve("linked"), real);
        try (CacheLock held = CacheLock.acquire(link.resolve(".lock"))) {
            assertThat(CompletableFuture.supplyAsync(() -> tryFromAnotherThread(real.resolve(".lock"))).get())
                    .isFalse();
            // another process must still find the file locked (closing a second channel would have freed it)
            assertThat(lockedForAnotherProcess(real.resolve(".lock"))).isTrue();
        }
        assertThat(lockedForAnotherProcess(real.resolve(".lock"))).isFalse();
    }

    @Test
    void aWaiterThroughTheOtherPathGetsTheLockOnceItIsReleased() throws Exception {
        Path real = Files.createDirectories(dir.resolve("cache/kernels"));
        Path link = Files.createSymbolicLink(dir.resolve("linked"), real);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
            try (CacheLock lock = CacheLock.acquire(real.resolve(".lock"))) {
                held.countDown();
                release.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        held.await();
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try (CacheLock lock = CacheLock.acquire(link.resolve(".lock"))) {
                return true;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(waiter).isNotDone();
        release.countDown();
        holder.get(10, TimeUnit.SECONDS);
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aLockFileThatIsASymlinkIsRefused() throws Exception {
        Path target = Files.writeString(dir.resolve("elsewhere"), "");
        Path file = Files.createSymbolicLink(dir.resolve("entry.lock"), target);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CacheLock.acquire(file))
                .isInstanceOf(IOException.class).hasMessageContaining("not a regular file");
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

    /** Whether a separate JVM finds the file locked (OS locks are per process). */
    private static boolean lockedForAnotherProcess(Path file) throws Exception {
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), TryLockMain.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes()).strip();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isIn("locked", "free");
        return out.equals("locked");
    }

    /** Run in a child JVM: prints whether the file's OS lock is taken. */
    public static final class TryLockMain {
        public static void main(String[] args) throws IOException {
            try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
                FileLock lock = channel.tryLock();
                System.out.println(lock == null ? "locked" : "free");
            }
        }
    }
}
