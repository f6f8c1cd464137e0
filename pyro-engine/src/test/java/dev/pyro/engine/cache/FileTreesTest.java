package dev.pyro.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

    @TempDir
    Path dir;

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
