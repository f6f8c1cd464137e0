package dev.pyro.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Removal never reaches through links, even ones swapped in while it runs; staging dirs name their builder. */
class FileTreesTest {

    @TempDir
    Path tmp;

    @TempDir
    Path dir;

    @Test
    void deletesATreeAndOnlyTheLinksInIt() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "keep");
        Path tree = Files.createDirectories(tmp.resolve("tree/a/b"));
        Files.writeString(tree.resolve("f.txt"), "x");
        Files.createSymbolicLink(tree.resolve("to-outside"), outside);
        Files.createSymbolicLink(tmp.resolve("tree/file-link"), outside.resolve("keep.txt"));
        FileTrees.deleteRecursively(tmp.resolve("tree"));
        assertThat(tmp.resolve("tree")).doesNotExist();
        assertThat(outside.resolve("keep.txt")).hasContent("keep");
        FileTrees.deleteRecursively(tmp.resolve("tree")); // missing is fine
    }

    /**
     * Issue 17, the class of A.4: a thread keeps swapping {@code tree/sub} for a symlink to a
     * directory outside while the tree is deleted; a walk by path descends into the link and
     * deletes what is there.
     */
    @Test
    void aDirectorySwappedForALinkDuringTheDeleteLeavesTheOutsideAlone() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        for (int i = 0; i < 200; i++) Files.writeString(outside.resolve("f" + i), "keep");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        int rounds = 0;
        while (System.nanoTime() < end) {
            Path tree = Files.createDirectories(tmp.resolve("tree"));
            Path sub = Files.createDirectories(tree.resolve("sub"));
            for (int i = 0; i < 200; i++) Files.writeString(sub.resolve("f" + i), "x");
            Path parked = tmp.resolve("parked");
            AtomicBoolean stop = new AtomicBoolean();
            Thread swapper = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        Files.move(sub, parked);
                        Files.createSymbolicLink(sub, outside);
                        Thread.onSpinWait();
                        Files.delete(sub);
                        Files.move(parked, sub);
                    }
                } catch (IOException e) {
                    // the delete removed sub (or its link) under the swapper: this round is over
                }
            });
            swapper.start();
            try {
                FileTrees.deleteRecursively(tree);
            } catch (IOException e) {
                // a name vanished under the delete: it may fail, it must not reach outside
            } finally {
                stop.set(true);
                swapper.join();
            }
            FileTrees.deleteRecursively(parked);
            if (Files.isSymbolicLink(tree.resolve("sub"))) Files.delete(tree.resolve("sub"));
            FileTrees.deleteRecursively(tree);
            rounds++;
            try (var left = Files.list(outside)) {
                assertThat(left.count()).as("files left outside after round " + rounds).isEqualTo(200);
            }
        }
        assertThat(rounds).isGreaterThan(3);
    }


    @Test
    void aStagingDirIsNamedForThisProcessAndCountsAsInUse() throws Exception {
        Path staging = FileTrees.createStaging(dir, "6.1.192-pyro-1a2b3c4d");
        assertThat(staging.getFileName().toString())
                .startsWith(".partial-6.1.192-pyro-1a2b3c4d-p" + ProcessHandle.current().pid() + "-s");
        assertThat(FileTrees.stagingInUse(staging)).isTrue();
        assertThat(FileTrees.removeAbandonedStaging(dir)).isEmpty();
        assertThat(staging).isDirectory();
    }

    /**
     * The fresh-machine failure: another process (an engine child) decided the running build's
     * staging dir was a leftover and removed it mid-compile. A cleanup now leaves the dir of a
     * builder that still runs, and removes it once that process is gone.
     */
    @Test
    void aCleanupWhileAnotherProcessBuildsLeavesItsBuildAlone() throws Exception {
        Process builder = new ProcessBuilder("sleep", "60").start();
        try {
            long start = builder.info().startInstant().map(Instant::toEpochMilli).orElseThrow();
            Path building = FileTrees.createStaging(dir, "6.1.192-pyro-1a2b3c4d", builder.pid(), start);
            Files.writeString(building.resolve("half-built.o"), "x");
            Path crashed = FileTrees.createStaging(dir, "6.1.192-pyro-1a2b3c4d", deadPid(), start);
            Path legacy = Files.createDirectory(dir.resolve(".partial-6.1.192-pyro-1a2b3c4d-deadbeef"));
            Path installed = Files.createDirectory(dir.resolve("6.1.192-pyro-1a2b3c4d"));

            assertThat(FileTrees.removeAbandonedStaging(dir)).containsExactlyInAnyOrder(
                    crashed.getFileName().toString(), legacy.getFileName().toString());
            assertThat(building.resolve("half-built.o")).exists();
            assertThat(installed).isDirectory();

            builder.destroyForcibly();
            assertThat(builder.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(FileTrees.removeAbandonedStaging(dir)).containsExactly(building.getFileName().toString());
        } finally {
            builder.destroyForcibly();
        }
    }

    @Test
    void aPidReusedByALaterProcessDoesNotKeepTheDir() throws Exception {
        long self = ProcessHandle.current().pid();
        long start = ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli();
        Path earlier = FileTrees.createStaging(dir, "env", self, start - 3_600_000); // same pid, an hour earlier
        assertThat(FileTrees.stagingInUse(earlier)).isFalse();
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
