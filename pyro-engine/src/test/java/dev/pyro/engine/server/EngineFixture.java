package dev.pyro.engine.server;

import dev.pyro.api.engine.Operations;
import dev.pyro.api.engine.VmParams;
import dev.pyro.api.OutputListener;
import dev.pyro.engine.backend.RealSandboxes;
import dev.pyro.engine.backend.SandboxProcesses;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.api.Json;
import dev.pyro.engine.process.HostCommand;
import dev.pyro.api.Progress;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.api.vm.VmStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A private state dir with the shared caches, and a cleanup that leaves nothing behind: every VM
 * deleted through the engine, every engine of the dir stopped (killed if it will not stop), every
 * sandbox process and mount under it gone.
 */
final class EngineFixture implements AutoCloseable {

    final Path state;
    final PyroPaths paths;

    EngineFixture() throws IOException {
        state = Files.createTempDirectory("pyro-engine-");
        paths = RealSandboxes.paths(state);
    }

    EngineClient client() {
        return new EngineClient(paths);
    }

    EngineClient client(Map<String, String> engineEnv) {
        return new EngineClient(paths, engineEnv);
    }

    EngineFiles files() {
        return new EngineFiles(state);
    }

    long pidFile() {
        return files().readPid();
    }

    /** The live engine processes labelled with this state dir (starting, serving or losing a race). */
    List<ProcessHandle> engineProcesses() {
        String label = "-Dpyro.engine.state=" + state;
        return ProcessHandle.allProcesses().filter(p -> {
            List<String> args = cmdline(p.pid());
            return args.contains(EngineMain.class.getName()) && args.contains(label);
        }).toList();
    }

    static List<String> cmdline(long pid) {
        try {
            return Arrays.asList(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    List<String> vmDirs() {
        Path vms = state.resolve("vms");
        if (!Files.isDirectory(vms)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(vms)) {
            return dirs.map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    static void kill9(long pid) throws Exception {
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.destroyForcibly();
        process.onExit().get(30, TimeUnit.SECONDS); // generous: a loaded 2-core host reaps slowly
    }

    /** Cleans up; an interrupt or a stuck engine surfaces as an IOException (try-with-resources friendly). */
    @Override
    public void close() throws IOException {
        try {
            cleanUp();
        } catch (IOException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while cleaning up " + state, e);
        } catch (Exception e) {
            throw new IOException("cleaning up " + state + " failed", e);
        }
    }

    private void cleanUp() throws Exception {
        try {
            if (!vmDirs().isEmpty() || EngineSocket.answers(files().socket())) {
                EngineClient client = client();
                List<VmStatus> vms = client.call(Operations.LIST_VMS.name(), Map.of(),
                        Json.MAPPER.getTypeFactory().constructCollectionType(List.class, VmStatus.class),
                        Progress.NONE, OutputListener.NONE);
                for (VmStatus vm : vms) {
                    client.call(Operations.DELETE_VM.name(), new VmParams(vm.vmId()), Object.class);
                }
                client.shutdown();
            }
        } finally {
            for (ProcessHandle engine : engineProcesses()) {
                engine.destroyForcibly();
                engine.onExit().get(10, TimeUnit.SECONDS);
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
