package dev.pyro.bench;

import dev.pyro.engine.backend.BackendSelector;
import dev.pyro.engine.backend.SandboxBackend;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.backend.SandboxRequest;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.environment.EnvironmentCatalog;
import dev.pyro.engine.environment.EnvironmentInstaller;
import dev.pyro.engine.environment.EnvironmentSpec;
import dev.pyro.engine.environment.EnvironmentStore;
import dev.pyro.engine.environment.InstallState;
import dev.pyro.engine.guest.ExecOutcome;
import dev.pyro.engine.guest.GuestExec;
import dev.pyro.engine.backend.vm.GuestKernels;
import dev.pyro.engine.progress.Progress;
import dev.pyro.protocol.AgentConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code pyro run ENV -- true} end to end and in parts, per backend: JVM start ({@code pyro
 * --version}), the whole CLI run, and in-process sandbox create, boot to a ready agent, exec round
 * trip, and teardown. Prints a Markdown table per backend.
 *
 * <p>Usage: {@code bench/run [--runs N] [--environment ENV] [BACKEND...]} (default: gvisor vm).
 */
public final class RunBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = 10;
        String environment = "debian:12";
        List<String> backends = new ArrayList<>();
        Path launcher = Path.of(System.getProperty("pyro.launcher", "./pyro")).toAbsolutePath();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--environment" -> environment = args[++i];
                default -> backends.add(args[i]);
            }
        }
        if (backends.isEmpty()) {
            backends = List.of("gvisor", "vm");
        }
        PyroPaths paths = PyroPaths.fromEnvironment();
        EnvironmentStore store = new EnvironmentStore(paths);
        EnvironmentSpec spec = EnvironmentCatalog.get(environment);
        InstallState install = new EnvironmentInstaller(store, new GuestKernels(paths)::expectedVersionIfKnown)
                .ensureInstalled(environment, Progress.NONE);
        System.out.println("# pyro run " + environment + " -- true, " + runs + " runs per row");
        System.out.println();
        System.out.println(Stats.header());
        System.out.println(cli("JVM start (pyro --version)", runs, launcher, "--version").row());
        for (String name : backends) {
            SandboxBackend backend = new BackendSelector(paths).select(name, false, false, Progress.NONE).backend();
            // one warm-up so first-use work (kernel, agent extraction) is not timed
            parts(backend, spec, install, paths, 1);
            System.out.println(cli(name + ": pyro run end to end", runs, launcher, "run", environment,
                    "--backend", name, "--", "true").row());
            for (Stats stats : parts(backend, spec, install, paths, runs)) {
                System.out.println(stats.row());
            }
        }
    }

    private static Stats cli(String name, int runs, Path launcher, String... args) throws Exception {
        List<Double> samples = new ArrayList<>();
        List<String> argv = new ArrayList<>(List.of(launcher.toString()));
        argv.addAll(List.of(args));
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            int exit = p.waitFor();
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " exited " + exit);
            }
            samples.add(ms(t0));
        }
        return new Stats(name, samples);
    }

    private static List<Stats> parts(SandboxBackend backend, EnvironmentSpec spec, InstallState install,
                                     PyroPaths paths, int runs) throws Exception {
        List<Double> create = new ArrayList<>();
        List<Double> boot = new ArrayList<>();
        List<Double> exec = new ArrayList<>();
        List<Double> ping = new ArrayList<>();
        List<Double> spawn = new ArrayList<>();
        List<Double> teardown = new ArrayList<>();
        Path root = Files.createDirectories(paths.stateDir().resolve("bench"));
        for (int i = 0; i < runs; i++) {
            String id = "bench" + System.nanoTime() % 10_000_000;
            long t0 = System.nanoTime();
            SandboxRecord record = backend.create(new SandboxRequest(id, spec, install, 1, 1024, false,
                    root.resolve(id)));
            create.add(ms(t0));
            long t1 = System.nanoTime();
            SandboxRecord started = backend.start(record, Duration.ofSeconds(60));
            AgentConnection.Options options = "vm".equals(backend.name())
                    ? AgentConnection.Options.forSerial().withHello(Duration.ofSeconds(2), 30, true)
                    : AgentConnection.Options.defaults();
            try (AgentConnection agent = AgentConnection.connectUnix(started.agentSocket(), Duration.ofSeconds(10), options)) {
                boot.add(ms(t1));
                for (int k = 0; k < 5; k++) {
                    ping.add(agent.ping().toNanos() / 1e6);
                    long t2 = System.nanoTime();
                    agent.spawn(dev.pyro.protocol.SpawnRequest.of("/bin/true")).waitFor(Duration.ofSeconds(30));
                    spawn.add(ms(t2));
                }
                for (int k = 0; k < 5; k++) {
                    long t2 = System.nanoTime();
                    ExecOutcome outcome = GuestExec.run(agent, "true", "/", Map.of(), 30, GuestExec.Listener.NONE);
                    if (outcome.exitCode() != 0) {
                        throw new IllegalStateException("exec failed: " + outcome);
                    }
                    exec.add(ms(t2));
                }
            }
            long t3 = System.nanoTime();
            backend.delete(started);
            teardown.add(ms(t3));
        }
        String b = backend.name();
        return List.of(new Stats(b + ": create", create), new Stats(b + ": boot to agent ready", boot),
                new Stats(b + ": agent ping round trip", ping),
                new Stats(b + ": spawn /bin/true round trip", spawn),
                new Stats(b + ": exec `sh -lc true` round trip", exec), new Stats(b + ": teardown", teardown));
    }

    private static double ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }
}
