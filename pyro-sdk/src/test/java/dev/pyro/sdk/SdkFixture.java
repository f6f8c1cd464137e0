package dev.pyro.sdk;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pyro.engine.backend.SandboxProcesses;
import dev.pyro.engine.backend.vm.GuestKernels;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.api.PyroPaths;
import dev.pyro.engine.doctor.Doctor;
import dev.pyro.engine.process.HostCommand;
import dev.pyro.engine.server.EngineClient;
import dev.pyro.engine.server.EngineFiles;
import dev.pyro.test.Lanes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private state dir with the shared caches (environments are built once per machine), and a
 * cleanup that stops its engine and leaves no sandbox process or mount behind. Shared with the
 * MCP tests through pyro-sdk's test jar.
 */
public final class SdkFixture implements AutoCloseable {

    public static final String ENVIRONMENT = "debian:12";

    public final Path state;
    public final PyroPaths paths;

    public SdkFixture() throws IOException {
        state = Files.createTempDirectory("pyro-sdk-");
        PyroPaths shared = PyroPaths.fromEnvironment();
        paths = new PyroPaths(shared.cacheDir(), state, shared.environmentCacheDir());
    }

    public static void assumeGvisorWorks() {
        Lanes.requireSandboxLane("the gvisor backend");
        PyroPaths paths = PyroPaths.fromEnvironment();
        boolean available = new Doctor(paths, new GuestKernels(paths)).run().backends().stream()
                .anyMatch(b -> b.name().equals("gvisor") && b.available());
        assumeTrue(available, "gvisor backend unavailable here (pyro doctor)");
    }

    public List<String> vmDirs() {
        Path vms = state.resolve("vms");
        if (!Files.isDirectory(vms)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(vms)) {
            return dirs.map(d -> d.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long enginePid() throws IOException {
        Path pid = new EngineFiles(state).pid();
        return Files.isRegularFile(pid) ? Long.parseLong(Files.readString(pid).trim()) : 0;
    }

    /** Cleans up; an interrupt surfaces as an IOException (try-with-resources friendly). */
    @Override
    public void close() throws IOException {
        try {
            cleanUp();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while cleaning up " + state, e);
        }
    }

    private void cleanUp() throws IOException, InterruptedException {
        try (Pyro pyro = Pyro.create(paths)) {
            for (String vm : vmDirs()) {
                pyro.deleteVm(vm);
            }
        } finally {
            new EngineClient(paths).shutdown();
            long pid = enginePid();
            if (pid > 0) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            SandboxProcesses.killAllMentioning(state.toString());
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String target = line.split(" ")[1];
                if (target.startsWith(state + "/")) {
                    HostCommand.of("umount", "-l", target).runAllowingFailure();
                }
            }
            FileTrees.deleteRecursively(state);
        }
    }
}
