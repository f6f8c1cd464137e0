package dev.pyro.bench;

import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.workspace.WorkspaceRequest;
import dev.pyro.sdk.Pyro;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Workspace operations through the SDK (embedded engine, so no socket hop is timed): create with a
 * small seed, exec round trip, file read and write, diff of a 1,000-file workspace, reset.
 *
 * <p>Usage: {@code bench/run-workspace [--runs N] [BACKEND]} (default gvisor, 10 runs).
 */
public final class WorkspaceBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = 10;
        String backend = "gvisor";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--runs")) {
                runs = Integer.parseInt(args[++i]);
            } else {
                backend = args[i];
            }
        }
        Path scratch = Files.createTempDirectory("pyro-bench-ws-");
        Path small = Files.createDirectories(scratch.resolve("small/src"));
        Files.writeString(scratch.resolve("small/README.md"), "# bench\n");
        Files.writeString(small.resolve("main.c"), "int main(void) { return 0; }\n");
        Path big = Files.createDirectories(scratch.resolve("big"));
        for (int i = 0; i < 1000; i++) {
            Path dir = Files.createDirectories(big.resolve("d" + (i % 20)));
            Files.writeString(dir.resolve("f" + i + ".txt"), "line one of " + i + "\nline two\nline three\n");
        }
        PyroPaths shared = PyroPaths.fromEnvironment();
        PyroPaths paths = new PyroPaths(shared.cacheDir(), scratch.resolve("state"), shared.environmentCacheDir());
        WorkspaceRequest base = WorkspaceRequest.defaults("debian:12").withBackend(backend, false).withSize(1, 512, 600);
        List<Stats> rows = new ArrayList<>();
        try (Pyro pyro = Pyro.embedded(paths)) {
            pyro.deleteWorkspace(pyro.createWorkspace(base.withSeed(small.getParent())).workspaceId()); // warm-up
            List<Double> create = new ArrayList<>();
            List<Double> exec = new ArrayList<>();
            List<Double> read = new ArrayList<>();
            List<Double> write = new ArrayList<>();
            List<Double> reset = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                String id = pyro.createWorkspace(base.withSeed(small.getParent())).workspaceId();
                create.add(ms(t0));
                for (int k = 0; k < 5; k++) {
                    exec.add(time(() -> pyro.execWorkspace(id, "true", 30)));
                    write.add(time(() -> pyro.writeWorkspaceFile(id, "notes/n" + System.nanoTime() + ".txt", "x\n")));
                    read.add(time(() -> pyro.readWorkspaceFile(id, "README.md", 65536)));
                }
                reset.add(time(() -> pyro.resetWorkspace(id)));
                pyro.deleteWorkspace(id);
            }
            String bigId = pyro.createWorkspace(base.withSeed(big)).workspaceId();
            pyro.execWorkspace(bigId, "for i in 1 2 3 4 5; do echo changed >> d$i/f$i.txt; done; echo new > added.txt", 30);
            List<Double> diff = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                diff.add(time(() -> pyro.diffWorkspace(bigId)));
            }
            pyro.deleteWorkspace(bigId);
            rows.add(new Stats(backend + ": create (small seed)", create));
            rows.add(new Stats(backend + ": exec round trip (true)", exec));
            rows.add(new Stats(backend + ": file write", write));
            rows.add(new Stats(backend + ": file read", read));
            rows.add(new Stats(backend + ": diff, 1,000 files, 6 changed", diff));
            rows.add(new Stats(backend + ": reset", reset));
        } finally {
            dev.pyro.engine.cache.FileTrees.deleteRecursively(scratch);
        }
        System.out.println("# workspace operations, " + runs + " runs per row (SDK, embedded engine)");
        System.out.println();
        System.out.println(Stats.header());
        rows.forEach(r -> System.out.println(r.row()));
    }

    private static double time(Supplier<?> action) {
        long t0 = System.nanoTime();
        action.get();
        return ms(t0);
    }

    private static double ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }
}
