package dev.pyro.engine.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.engine.cache.CacheLock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one per-sandbox lock of VMs and workspaces: threads and processes wait for its holder. */
class SandboxLocksTest {

    static final String ID = "0123456789ab";
    /** A thread of its own per task: a blocked waiter must not hold up the common pool's few workers. */
    static final Executor OWN_THREAD = task -> new Thread(task).start();

    @TempDir
    Path dir;

    @Test
    void aLockHeldInOneThreadBlocksAnotherUntilReleased() throws Exception {
        SandboxLocks locks = new SandboxLocks(dir.resolve(".locks"));
        CompletableFuture<Void> other;
        try (CacheLock held = locks.lock(ID)) {
            other = CompletableFuture.runAsync(() -> {
                try (CacheLock mine = locks.lock(ID)) {
                    // got it
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, OWN_THREAD);
            Thread.sleep(300);
            assertThat(other).isNotDone();
            assertThat(CompletableFuture.supplyAsync(() -> tryFromAnotherThread(locks, ID), OWN_THREAD).get()).isFalse();
            // a different sandbox is not held up
            assertThat(CompletableFuture.supplyAsync(() -> tryFromAnotherThread(locks, "ba9876543210"), OWN_THREAD).get()).isTrue();
        }
        other.get(30, TimeUnit.SECONDS);
        assertThat(CompletableFuture.supplyAsync(() -> tryFromAnotherThread(locks, ID), OWN_THREAD).get()).isTrue();
        assertThat(dir.resolve(".locks/" + ID + ".lock")).isRegularFile();
    }

    @Test
    void pruneRemovesOnlyTheFreeLocksOfGoneSandboxes() throws Exception {
        SandboxLocks locks = new SandboxLocks(dir.resolve(".locks"));
        assertThat(locks.prune(id -> false)).isZero(); // no dir yet
        String live = "111111111111";
        String gone = "222222222222";
        String held = "333333333333";
        for (String id : new String[] {live, gone, held}) {
            locks.lock(id).close();
        }
        java.nio.file.Files.writeString(dir.resolve(".locks/notes.txt"), "not ours");
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Void> holding = new CompletableFuture<>();
        CompletableFuture.runAsync(() -> {
            try (CacheLock mine = locks.lock(held)) {
                holding.complete(null);
                release.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                holding.completeExceptionally(e);
            }
        }, OWN_THREAD);
        holding.get(30, TimeUnit.SECONDS);
        try {
            assertThat(locks.prune(live::equals)).isEqualTo(1);
        } finally {
            release.complete(null);
        }
        assertThat(dir.resolve(".locks/" + live + ".lock")).isRegularFile();
        assertThat(dir.resolve(".locks/" + gone + ".lock")).doesNotExist();
        assertThat(dir.resolve(".locks/" + held + ".lock")).isRegularFile();
        assertThat(dir.resolve(".locks/notes.txt")).isRegularFile();
    }

    @Test
    void anotherProcessFindsItHeld() throws Exception {
        SandboxLocks locks = new SandboxLocks(dir.resolve(".locks"));
        Path file = dir.resolve(".locks/" + ID + ".lock");
        try (CacheLock held = locks.lock(ID)) {
            assertThat(fromAnotherProcess(file)).isEqualTo("locked");
        }
        assertThat(fromAnotherProcess(file)).isEqualTo("free");
    }

    @Test
    void onlyASandboxIdBecomesALockFile() {
        SandboxLocks locks = new SandboxLocks(dir.resolve(".locks"));
        for (String bad : new String[] {"../x", "0123456789AB", "", "a/b"}) {
            assertThatThrownBy(() -> locks.lock(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(dir.resolve(".locks")).doesNotExist();
    }

    private static boolean tryFromAnotherThread(SandboxLocks locks, String id) {
        try {
            Optional<CacheLock> lock = locks.tryLock(id);
            if (lock.isPresent()) {
                lock.get().close();
                return true;
            }
            return false;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String fromAnotherProcess(Path file) throws Exception {
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), TryLockMain.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes()).strip();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
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
