package dev.pyro.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Removal never reaches through links, even ones swapped in while it runs. */
class FileTreesTest {

    @TempDir
    Path tmp;

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

}
