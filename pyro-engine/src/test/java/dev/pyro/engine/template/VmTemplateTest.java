package dev.pyro.engine.template;

import dev.pyro.api.OutputListener;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.backend.SandboxRequest;
import dev.pyro.engine.backend.Sandboxes;
import dev.pyro.engine.backend.vm.QemuBackend;
import dev.pyro.engine.environment.EnvironmentCatalog;
import dev.pyro.engine.environment.InstallState;
import dev.pyro.protocol.AgentConnection;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.Json;
import dev.pyro.engine.prepare.DailyLoop;
import dev.pyro.api.environment.DailyLoopReport;
import dev.pyro.api.environment.PrepareResult;
import dev.pyro.engine.prepare.Preparer;
import dev.pyro.api.Progress;
import dev.pyro.api.vm.VmExecResult;
import dev.pyro.engine.vms.VmManager;
import dev.pyro.api.vm.VmRequest;
import dev.pyro.api.workspace.WorkspaceInfo;
import dev.pyro.api.workspace.WorkspaceList;
import dev.pyro.engine.workspace.WorkspaceManager;
import dev.pyro.api.workspace.WorkspaceRequest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * Workspaces on real QEMU guests started from warm templates. Each test has its own template store
 * (a private cache dir that links the shared kernel and initramfs), so it starts with no template.
 */
class VmTemplateTest {

    Path state;
    PyroPaths paths;
    WorkspaceManager manager;
    final List<Process> started = new java.util.ArrayList<>();
    final WorkspaceRequest request = WorkspaceRequest.defaults(RealSandboxes.ENVIRONMENT)
            .withBackend("vm", false).withSize(1, 512, 600);

    @BeforeEach
    void setUp() throws Exception {
        RealSandboxes.assumeBackendWorks("vm");
        state = Files.createTempDirectory("pyro-tpl-");
        PyroPaths shared = PyroPaths.fromEnvironment();
        Path cache = Files.createDirectories(state.resolve("cache"));
        for (String reused : List.of("kernels", "initramfs", "probes")) {
            Files.createDirectories(shared.cacheDir().resolve(reused));
            Files.createSymbolicLink(cache.resolve(reused), shared.cacheDir().resolve(reused));
        }
        paths = new PyroPaths(cache, state.resolve("state"), shared.environmentCacheDir());
        manager = new WorkspaceManager(paths, 8, () -> 0);
    }

    @AfterEach
    void tearDown() throws Exception {
        started.forEach(Process::destroyForcibly);
        if (manager != null) {
            for (WorkspaceList.Item item : manager.list().workspaces()) {
                manager.delete(item.workspaceId());
            }
            manager.close();
        }
        FileTrees.deleteRecursively(state);
    }

    private static final long CLOCK_SLACK_S = 5;

    @Test
    void clonesWorkAcrossTheLifecycleAndAreIndependent() throws Exception {
        Path seed = Files.createDirectories(state.resolve("seed"));
        Files.writeString(seed.resolve("hello.txt"), "hello\n");
        WorkspaceInfo first = manager.create(request.withSeed(seed), Progress.NONE);
        Thread.sleep(6000); // a clone that kept the template's clock would now be 6 s behind
        WorkspaceInfo second = manager.create(request.withSeed(seed), Progress.NONE);
        String a = first.workspaceId();
        String b = second.workspaceId();
        assertThat(sandbox(a).metadata()).containsEntry(CloneRefresh.RESTORED, "true");
        assertThat(sandbox(b).metadata()).containsEntry(CloneRefresh.RESTORED, "true");
        assertThat(sandbox(a).metadata().get("template_dir")).isEqualTo(sandbox(b).metadata().get("template_dir"));
        assertThat(templateDirs()).hasSize(1);

        // exec, files, and separate disks
        assertThat(exec(a, "cat hello.txt && echo only-a > a.txt")).isEqualTo("hello\n");
        assertThat(manager.exec(b, "cat a.txt", 30, OutputListener.NONE).exitCode()).isNotZero();
        assertThat(exec(b, "ls")).isEqualTo("hello.txt\n");
        assertThat(exec(a, "cat /etc/hostname >/dev/null; cat a.txt")).isEqualTo("only-a\n");

        // the clock is the host's, and the random generators differ
        for (String id : List.of(a, b)) {
            // the guest reads its clock somewhere inside the exec: compare with the host's window around it
            long before = System.currentTimeMillis() / 1000;
            long guest = Long.parseLong(exec(id, "date +%s").strip());
            long after = System.currentTimeMillis() / 1000;
            // A TCG guest's clock lags a host that is building a kernel beside it: 2 s behind in the
            // cold CI run of 2026-12-07. The template's own clock would be minutes off, so 5 s
            // still tells a set clock from an unset one.
            assertThat(guest).isBetween(before - CLOCK_SLACK_S, after + 1);
        }
        String randomA = exec(a, "head -c 32 /dev/urandom | od -An -tx1");
        String randomB = exec(b, "head -c 32 /dev/urandom | od -An -tx1");
        assertThat(randomA).isNotBlank().isNotEqualTo(randomB);

        // reset takes the same path, stop/start boots the clone's own disk, delete removes it
        manager.reset(a, Progress.NONE);
        assertThat(sandbox(a).metadata()).containsEntry(CloneRefresh.RESTORED, "true");
        assertThat(exec(a, "ls")).isEqualTo("hello.txt\n");
        exec(a, "echo kept > kept.txt && sync");
        manager.stop(a);
        manager.start(a);
        assertThat(sandbox(a).metadata()).doesNotContainKey(CloneRefresh.RESTORED);
        assertThat(exec(a, "cat kept.txt")).isEqualTo("kept\n");
        manager.delete(a);
        assertThat(paths.workspacesDir().resolve(a)).doesNotExist();
        assertThat(exec(b, "cat hello.txt")).isEqualTo("hello\n");
    }

    @Test
    void aTemplateOfAnotherBundleIsRetiredAndAStaleRecordIsRebuilt() throws Exception {
        // what a build killed midway leaves: a scratch dir in the temp dir and a process running in it
        Path storeDir = paths.cacheDir().resolve("templates").resolve(PyroPaths.PLATFORM).resolve("debian_12");
        Path leftover = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"),
                "pyro-tpl-" + Integer.toHexString(storeDir.toString().hashCode()) + "-vm-1x512-crashed"));
        Path log = Files.writeString(leftover.resolve("serial.log"), "");
        Process orphan = new ProcessBuilder("tail", "-f", log.toString()).start(); // runs until killed
        started.add(orphan);
        assertThat(orphan.waitFor(300, java.util.concurrent.TimeUnit.MILLISECONDS)).isFalse();

        String a = manager.create(request, Progress.NONE).workspaceId();
        assertThat(orphan.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(leftover).doesNotExist();
        Path dir = Path.of(sandbox(a).metadata().get("template_dir"));
        // what a template left by an older agent bundle looks like: same family, another key
        Path older = dir.resolveSibling("vm-1x512-000000000000");
        Files.createDirectories(older);
        Files.writeString(older.resolve("template.json"), "{}");
        // this template's record now says it was made from another bundle: stale
        ObjectNode record = (ObjectNode) Json.MAPPER.readTree(Files.readString(dir.resolve("template.json")));
        ((ObjectNode) record.get("key")).put("bundle", "pyro-older.cpio");
        Files.writeString(dir.resolve("template.json"), Json.MAPPER.writeValueAsString(record));
        double before = record.get("created_at").asDouble();

        String b = manager.create(request, Progress.NONE).workspaceId();
        assertThat(sandbox(b).metadata()).containsEntry(CloneRefresh.RESTORED, "true");
        ObjectNode rebuilt = (ObjectNode) Json.MAPPER.readTree(Files.readString(dir.resolve("template.json")));
        assertThat(rebuilt.get("created_at").asDouble()).isGreaterThan(before);
        assertThat(rebuilt.get("key").get("bundle").asString()).isNotEqualTo("pyro-older.cpio");
        assertThat(older).doesNotExist();
        assertThat(exec(b, "echo ok")).isEqualTo("ok\n");
        // the first clone keeps its own link to the disk it was made from
        assertThat(exec(a, "echo still")).isEqualTo("still\n");
    }

    @Test
    void aCorruptTemplateFallsBackToAColdBootAndIsRebuiltNextTime() throws Exception {
        String a = manager.create(request, Progress.NONE).workspaceId();
        Path dir = Path.of(sandbox(a).metadata().get("template_dir"));
        Path stateFile = dir.resolve("memory.state");
        stateFile.toFile().setWritable(true);
        try (RandomAccessFile f = new RandomAccessFile(stateFile.toFile(), "rw")) {
            f.seek(0);
            f.write(new byte[4096]); // same size, no QEMU header: only loading it can tell
        }

        WorkspaceInfo b = manager.create(request, Progress.NONE);
        assertThat(b.state()).isEqualTo("started");
        assertThat(sandbox(b.workspaceId()).metadata()).doesNotContainKey(CloneRefresh.RESTORED)
                .doesNotContainKey("template_dir");
        assertThat(exec(b.workspaceId(), "echo cold")).isEqualTo("cold\n");
        assertThat(dir).doesNotExist();

        String c = manager.create(request, Progress.NONE).workspaceId();
        assertThat(sandbox(c).metadata()).containsEntry(CloneRefresh.RESTORED, "true");
        assertThat(exec(c, "echo warm")).isEqualTo("warm\n");

        // a truncated state is caught before QEMU sees it, and rebuilt
        Path rebuiltState = Path.of(sandbox(c).metadata().get("template_dir")).resolve("memory.state");
        rebuiltState.toFile().setWritable(true);
        try (RandomAccessFile f = new RandomAccessFile(rebuiltState.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        manager.delete(a);
        manager.delete(b.workspaceId());
        String d = manager.create(request, Progress.NONE).workspaceId();
        assertThat(sandbox(d).metadata()).containsEntry(CloneRefresh.RESTORED, "true");
        assertThat(exec(d, "echo again")).isEqualTo("again\n");
    }

    @Test
    void concurrentCreatesBuildOneTemplate() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<WorkspaceInfo>> creates = List.of(
                    pool.submit(() -> manager.create(request, Progress.NONE)),
                    pool.submit(() -> manager.create(request, Progress.NONE)));
            for (Future<WorkspaceInfo> create : creates) {
                String id = create.get().workspaceId();
                assertThat(sandbox(id).metadata()).containsEntry(CloneRefresh.RESTORED, "true");
                assertThat(exec(id, "echo ok")).isEqualTo("ok\n");
            }
        } finally {
            pool.shutdown();
        }
        assertThat(templateDirs()).hasSize(1);
    }

    @Test
    void prepareBuildsTheDefaultTemplateAndTheDailyLoopReportsIt() throws Exception {
        String env = RealSandboxes.ENVIRONMENT;
        assertThat(DailyLoop.template(paths, env, "vm").status()).isEqualTo(TemplateStatus.COLD);
        assertThat(DailyLoop.template(paths, env, "gvisor").status()).isEqualTo(TemplateStatus.UNSUPPORTED);
        Preparer preparer = new Preparer(paths, manager, () -> System.currentTimeMillis() / 1000.0);

        PrepareResult prepared = preparer.prepare(env, false, false, "vm", Progress.NONE);
        assertThat(prepared.reused()).isFalse();
        DailyLoopReport report = DailyLoop.evaluate(paths, env);
        assertThat(report.status()).isEqualTo("warm");
        assertThat(report.template()).isEqualTo(TemplateStatus.WARM);
        assertThat(report.templateDetail()).contains("vm-1x1024-");
        assertThat(Json.MAPPER.writeValueAsString(report)).contains("\"template\":\"warm\"");
        assertThat(preparer.prepare(env, false, false, "vm", Progress.NONE).reused()).isTrue();

        // the template goes away (a new kernel or agent would leave it behind): prepare builds it again
        FileTrees.deleteRecursively(Path.of(report.templateDetail()));
        DailyLoopReport cold = DailyLoop.evaluate(paths, env);
        assertThat(cold.status()).isEqualTo("warm");
        assertThat(cold.template()).isEqualTo(TemplateStatus.COLD);
        assertThat(preparer.prepare(env, false, false, "vm", Progress.NONE).reused()).isFalse();
        assertThat(DailyLoop.evaluate(paths, env).template()).isEqualTo(TemplateStatus.WARM);
    }

    @Test
    void aOneShotRunStartsFromTheTemplateWithTheHostClock() {
        try (VmManager vms = new VmManager(paths, 4)) {
            long before = System.currentTimeMillis() / 1000;
            VmExecResult first = vms.run(VmRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("vm")
                    .withSize(1, 512), "date +%s; head -c 16 /dev/urandom | od -An -tx1", 30, Progress.NONE,
                    OutputListener.NONE);
            long after = System.currentTimeMillis() / 1000;
            VmExecResult second = vms.run(VmRequest.defaults(RealSandboxes.ENVIRONMENT).withBackend("vm")
                    .withSize(1, 512), "date +%s; head -c 16 /dev/urandom | od -An -tx1", 30, Progress.NONE,
                    OutputListener.NONE);
            assertThat(first.exitCode()).isZero();
            long guest = Long.parseLong(first.stdout().lines().findFirst().orElseThrow().strip());
            assertThat(guest).isBetween(before - CLOCK_SLACK_S, after + 1); // the host's window around the run, not after both
            assertThat(first.stdout().lines().skip(1).findFirst())
                    .isNotEqualTo(second.stdout().lines().skip(1).findFirst());
        }
        assertThat(templateDirsQuietly()).hasSize(1);
    }

    private List<Path> templateDirsQuietly() {
        try {
            return templateDirs();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void refreshedClonesReadDifferentRandomBytesAtOnce() throws Exception {
        InstallState install = RealSandboxes.environment(paths);
        QemuBackend backend = new QemuBackend(paths, false, Progress.NONE);
        Sandboxes sandboxes = new Sandboxes(paths);
        java.util.function.Function<String, String> firstRandom = id -> {
            SandboxRecord clone = null;
            try {
                clone = backend.start(backend.create(new SandboxRequest(id, EnvironmentCatalog.get(
                        RealSandboxes.ENVIRONMENT), install, 1, 512, false, state.resolve(id), true)),
                        java.time.Duration.ofSeconds(60));
                assertThat(CloneRefresh.needed(clone)).isTrue();
                try (AgentConnection agent = sandboxes.connect(clone)) {
                    CloneRefresh.apply(agent);
                    return GuestExec.run(agent, "head -c 16 /dev/urandom | od -An -tx1", "/", java.util.Map.of(), 30,
                            OutputListener.NONE).stdout();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                if (clone != null) {
                    try {
                        backend.delete(clone);
                    } catch (Exception e) {
                        // the temp dir goes in tearDown
                    }
                }
            }
        };
        // Without the refresh, clones read right after the restore hand out the template's next
        // "random" bytes (3 of 3 identical on a quiet host) until the kernel's own timed reseed, which
        // a loaded host can reach first: so only the refreshed case is asserted.
        assertThat(firstRandom.apply("fresh1")).isNotBlank().isNotEqualTo(firstRandom.apply("fresh2"));
    }

    private SandboxRecord sandbox(String id) {
        return manager.store().read(dev.pyro.api.ids.WorkspaceId.of(id)).orElseThrow().sandbox();
    }

    private String exec(String id, String command) {
        var result = manager.exec(id, command, 30, OutputListener.NONE);
        assertThat(result.exitCode()).as("exit of %s: %s", command, result.stderr()).isZero();
        return result.stdout();
    }

    private List<Path> templateDirs() throws IOException {
        Path root = paths.cacheDir().resolve("templates").resolve(PyroPaths.PLATFORM);
        try (Stream<Path> files = Files.walk(root, 2)) {
            return files.filter(p -> p.getFileName().toString().startsWith("vm-") && Files.isDirectory(p)).toList();
        }
    }
}
