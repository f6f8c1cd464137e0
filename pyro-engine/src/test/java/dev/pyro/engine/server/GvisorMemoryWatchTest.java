package dev.pyro.engine.server;

import dev.pyro.api.engine.Operations;
import dev.pyro.api.engine.WorkspaceParams;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.backend.gvisor.GvisorMemoryWatch;
import dev.pyro.api.workspace.WorkspaceInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's own memory bound of gVisor sandboxes (what an ordinary user's engine relies on, as
 * host cgroups are root's), selected here under root: a guest that writes twice its memory into
 * /dev/shm is ended within seconds with the reason in its status, a neighbour under its limit running
 * a command load is never touched. Prints the Pss figures and the watch's cost that GvisorMemoryWatch cites.
 */
@org.junit.jupiter.api.parallel.Isolated
class GvisorMemoryWatchTest {

    EngineFixture fixture;
    EngineClient client;
    final List<String> ids = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        RealSandboxes.assumeBackendWorks("gvisor");
        fixture = new EngineFixture();
        RealSandboxes.environment(fixture.paths);
        client = fixture.client(Map.of("PYRO_GVISOR_MEMORY_WATCH", "true", "PYRO_MAX_ACTIVE_VMS", "8"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fixture != null) {
            ids.forEach(id -> EngineWorkspaces.deleteQuietly(client, id));
            fixture.close();
        }
    }

    String create(int memMib) {
        String id = EngineWorkspaces.create(client, "gvisor", memMib);
        ids.add(id);
        return id;
    }

    Path workDir(String id) throws Exception {
        try (Stream<Path> found = Files.find(fixture.paths.workspacesDir().resolve(id), 4,
                (p, a) -> a.isDirectory() && p.getFileName().toString().equals("runsc"))) {
            return found.findFirst().orElseThrow().getParent();
        }
    }

    static long mib(long kib) {
        return kib >> 10;
    }

    @Test
    void aGuestOverItsMemoryIsEndedWithTheReasonAndANeighbourUnderItsLimitIsNot() throws Exception {
        String hog = create(256);
        String calm = create(256);
        Path hogDir = workDir(hog);
        Path calmDir = workDir(calm);
        Thread.sleep(2000);
        System.out.printf("idle gVisor sandbox: %d MiB Pss over %d host processes%n",
                mib(GvisorMemoryWatch.sandboxPssKib(calmDir)), GvisorMemoryWatch.sandboxPids(calmDir).size());

        // A normal command load under the limit: many short commands, a compile-like file walk, 128 MiB in /dev/shm.
        AtomicLong busyMax = new AtomicLong();
        CompletableFuture<Void> sampler = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 40; i++) {
                busyMax.accumulateAndGet(GvisorMemoryWatch.sandboxPssKib(calmDir), Math::max);
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        for (int i = 0; i < 5; i++) {
            assertThat(EngineWorkspaces.exec(client, calm,
                    "dd if=/dev/zero of=/dev/shm/half bs=1M count=96 2>/dev/null; "
                            + "for j in $(seq 30); do ls -R /usr >/dev/null; done; "
                            + "perl -e '$x = \"x\" x (32*1024*1024); print length($x), \"\\n\"'; rm /dev/shm/half", 60)
                    .exitCode()).isZero();
        }
        sampler.get();
        System.out.printf("busy gVisor sandbox (96 MiB in /dev/shm, 32 MiB perl, file walks): max %d MiB Pss%n",
                mib(busyMax.get()));

        long start = System.nanoTime();
        String outcome;
        try {
            outcome = EngineWorkspaces.exec(client, hog,
                    "dd if=/dev/zero of=/dev/shm/fill bs=1M count=512; echo wrote; sleep 30", 60).stdout();
        } catch (RuntimeException e) {
            outcome = "error: " + e.getMessage();
        }
        WorkspaceInfo status = EngineWorkspaces.status(client, hog);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!"stopped".equals(status.state()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = EngineWorkspaces.status(client, hog);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("512 MiB into /dev/shm of a 256 MiB workspace: '%s'; %s (%s) after %d ms%n",
                outcome.trim().replace('\n', ' '), status.state(), status.lastError(), ms);
        assertThat(status.state()).isEqualTo("stopped");
        assertThat(status.lastError()).contains("memory").contains("256 MiB");
        assertThat(ms).isLessThan(10_000); // dd may finish first: the watch looks once a second
        assertThat(GvisorMemoryWatch.sandboxPids(hogDir)).isEmpty();
        String execError;
        try {
            EngineWorkspaces.exec(client, hog, "true", 10);
            execError = "(none)";
        } catch (RuntimeException e) {
            execError = e.getMessage();
        }
        System.out.printf("exec after: %s%nengine log: %s%n", execError, watchLines());
        assertThat(execError).contains("memory");

        assertThat(EngineWorkspaces.status(client, calm).state()).isEqualTo("started");
        assertThat(EngineWorkspaces.exec(client, calm, "echo fine", 30).stdout()).isEqualTo("fine\n");

        // It starts again, and a start clears the reason.
        client.call(Operations.START_WORKSPACE.name(), new WorkspaceParams(hog), WorkspaceInfo.class);
        assertThat(EngineWorkspaces.exec(client, hog, "echo back", 30).stdout()).isEqualTo("back\n");
    }

    @Test
    void theWatchCostsLittleWithFiveIdleSandboxes() throws Exception {
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            dirs.add(workDir(create(256)));
        }
        long engine = fixture.pidFile();
        Thread.sleep(3000);
        long cpu0 = cpuTicks(engine);
        long t0 = System.nanoTime();
        Thread.sleep(65_000);
        long cpu1 = cpuTicks(engine);
        double seconds = (System.nanoTime() - t0) / 1e9;
        // The same work in this JVM, timed on its own thread (a full scan per sandbox: an upper bound).
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long own0 = threads.getCurrentThreadCpuTime();
        int rounds = 20;
        long total = 0;
        for (int r = 0; r < rounds; r++) {
            for (Path dir : dirs) {
                total += GvisorMemoryWatch.sandboxPssKib(dir);
            }
        }
        long perRoundMicros = (threads.getCurrentThreadCpuTime() - own0) / 1000 / rounds;
        System.out.printf("5 idle sandboxes watched: engine CPU %.2f%% of one core over %.0f s; "
                        + "one round of 5 full scans %d us CPU (%d processes on the host, %d MiB Pss per sandbox)%n",
                100.0 * (cpu1 - cpu0) / 100 / seconds, seconds, perRoundMicros, ProcessHandle.allProcesses().count(),
                mib(total / rounds / 5));
        System.out.println("engine log: " + watchLines());
        for (String id : ids) {
            assertThat(EngineWorkspaces.status(client, id).state()).isEqualTo("started");
        }
    }

    String watchLines() throws Exception {
        return String.join(" | ", Files.readAllLines(fixture.files().log()).stream()
                .filter(l -> l.contains("gVisor")).toList());
    }

    /** utime + stime of a process, in clock ticks (100 per second here). */
    static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
