package dev.pyro.bench;

import dev.pyro.api.PyroException;
import dev.pyro.engine.backend.BackendSelector;
import dev.pyro.engine.backend.SandboxBackend;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.backend.SandboxRequest;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.engine.environment.EnvironmentCatalog;
import dev.pyro.engine.environment.EnvironmentInstaller;
import dev.pyro.engine.environment.EnvironmentSpec;
import dev.pyro.engine.environment.EnvironmentStore;
import dev.pyro.engine.environment.InstallState;
import dev.pyro.api.Json;
import dev.pyro.engine.kernel.GuestKernel;
import dev.pyro.engine.backend.vm.GuestKernels;
import dev.pyro.api.Progress;
import dev.pyro.engine.server.EngineClient;
import dev.pyro.api.workspace.WorkspaceRequest;
import dev.pyro.protocol.AgentConnection;
import dev.pyro.sdk.Pyro;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import tools.jackson.databind.node.ObjectNode;

/**
 * The benchmark suite: per backend, the create-work-reset loop as users meet it (CLI and SDK through
 * the engine daemon), the substrate's own floor measured in the same run, host memory per idle
 * workspace, and how many idle workspaces fit. Prints Markdown tables and writes the samples as
 * JSON ({@code bench/results/latest.json} unless {@code --output}).
 *
 * <p>Usage: {@code bench/run [--runs N] [--environment ENV] [--output FILE] [BACKEND...]}
 * (default: 10 runs, debian:12, gvisor vm).
 */
public final class BenchSuite {

    private static final long KEEP_FREE_BYTES = 4L << 30;
    private static final int IDLE_SAMPLE = 3;

    private final int runs;
    private final String environment;
    private final Path launcher;
    private final PyroPaths paths;
    private final Path scratch;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Object> derived = new LinkedHashMap<>();
    private String mcpBackend;

    private record Row(String section, Stats stats) {
    }

    private BenchSuite(int runs, String environment, Path launcher, Path scratch) {
        this.runs = runs;
        this.environment = environment;
        this.launcher = launcher;
        this.scratch = scratch;
        PyroPaths shared = PyroPaths.fromEnvironment();
        this.paths = new PyroPaths(shared.cacheDir(), scratch.resolve("state"), shared.environmentCacheDir());
    }

    private static final String USAGE = """
            usage: bench/run [--runs N] [--environment ENV] [--output FILE] [BACKEND...]
              --runs N           samples per row (default 10, at least 1)
              --environment ENV  the environment to measure (default debian:12)
              --output FILE      where the samples go as JSON (default bench/results/latest.json)
              BACKEND            gvisor or vm (default: both)
            Run it on a quiet machine and record the tables in docs/performance.md.""";

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (IllegalArgumentException | PyroException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) throws Exception {
        int runs = 10;
        String environment = "debian:12";
        Path output = Path.of("bench/results/latest.json");
        List<String> backends = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    return;
                }
                case "--runs" -> runs = positive(value(args, ++i, "--runs"));
                case "--environment" -> environment = value(args, ++i, "--environment");
                case "--output" -> output = Path.of(value(args, ++i, "--output"));
                default -> {
                    if (!List.of("gvisor", "vm").contains(args[i])) {
                        throw new IllegalArgumentException("unknown argument '" + args[i]
                                + "': give --runs N, --environment ENV, --output FILE or the backends gvisor, vm"
                                + " (see bench/run --help)");
                    }
                    backends.add(args[i]);
                }
            }
        }
        if (backends.isEmpty()) {
            backends = List.of("gvisor", "vm");
        }
        Path launcher = Path.of(System.getProperty("pyro.launcher", "./pyro")).toAbsolutePath();
        Path scratch = Files.createTempDirectory("pyro-bench-");
        BenchSuite suite = new BenchSuite(runs, environment, launcher, scratch);
        suite.mcpBackend = backends.get(0);
        try {
            suite.common();
            for (String backend : backends) {
                suite.backend(backend);
            }
        } finally {
            try (EngineClient client = new EngineClient(suite.paths)) {
                client.shutdown();
            } catch (RuntimeException e) {
                // no engine was started
            }
            FileTrees.deleteRecursively(scratch);
        }
        suite.print();
        suite.write(output);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value (see bench/run --help)");
        }
        return args[i];
    }

    private static int positive(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw new IllegalArgumentException("--runs must be a whole number of at least 1 (got '" + text + "')");
    }

    // ------------------------------------------------------------------ sections

    private void common() throws Exception {
        add("common", new Stats("CLI start (pyro --version)", repeat(runs, () -> cli("--version"))));
        try (EngineClient client = new EngineClient(paths)) {
            client.ping(); // starts the engine daemon for this state dir
            add("common", new Stats("engine round trip (ping over its socket)", repeat(runs * 5, () -> {
                long t0 = System.nanoTime();
                client.ping();
                return ms(t0);
            })));
        }
    }

    private void backend(String name) throws Exception {
        EnvironmentSpec spec = EnvironmentCatalog.get(environment);
        InstallState install = new EnvironmentInstaller(new EnvironmentStore(paths),
                new GuestKernels(paths)::expectedVersionIfKnown).ensureInstalled(environment, Progress.NONE);
        SandboxBackend backend = new BackendSelector(paths).select(name, false, false, Progress.NONE).backend();
        Stats floor = name.equals("gvisor") ? runscFloor(install) : qemuFloor(backend, spec, install);
        add(name, floor);
        add(name, new Stats("pyro run " + environment + " -- true, end to end",
                repeat(runs, () -> cli("run", environment, "--backend", name, "--", "true"))));

        Path seed = Files.createDirectories(scratch.resolve("seed-small/src"));
        Files.writeString(seed.resolve("main.c"), "int main(void) { return 0; }\n");
        Path big = bigSeed();
        String payload = "x".repeat(64 * 1024);
        WorkspaceRequest base = WorkspaceRequest.defaults(environment).withBackend(name, false);
        List<Double> create = new ArrayList<>();
        List<Double> firstExec = new ArrayList<>();
        List<Double> exec = new ArrayList<>();
        List<Double> cliExec = new ArrayList<>();
        List<Double> write = new ArrayList<>();
        List<Double> read = new ArrayList<>();
        List<Double> snapshot = new ArrayList<>();
        List<Double> reset = new ArrayList<>();
        List<Double> delete = new ArrayList<>();
        try (Pyro pyro = Pyro.create(paths)) {
            pyro.deleteWorkspace(pyro.createWorkspace(base.withSeed(seed.getParent())).workspaceId()); // warm-up
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                String id = pyro.createWorkspace(base.withSeed(seed.getParent())).workspaceId();
                create.add(ms(t0));
                // the first command of a new sandbox loads the shell and its libraries cold
                firstExec.add(time(() -> pyro.execWorkspace(id, "true", 30)));
                for (int k = 0; k < 3; k++) {
                    exec.add(time(() -> pyro.execWorkspace(id, "true", 30)));
                    write.add(time(() -> pyro.writeWorkspaceFile(id, "big.txt", payload)));
                    read.add(time(() -> pyro.readWorkspaceFile(id, "big.txt", 65536)));
                }
                cliExec.add(cli("workspace", "exec", id, "--", "true"));
                if (i == 0 && name.equals(mcpBackend)) {
                    mcpOverhead(pyro, id);
                }
                snapshot.add(time(() -> pyro.createSnapshot(id, "s")));
                pyro.execWorkspace(id, "echo changed > big.txt", 30);
                reset.add(time(() -> pyro.resetWorkspace(id, "s")));
                delete.add(time(() -> pyro.deleteWorkspace(id)));
            }
            add(name, new Stats("workspace create (small seed)", create));
            add(name, new Stats("first exec of true after create (SDK)", firstExec));
            add(name, new Stats("exec round trip of true (SDK)", exec));
            add(name, new Stats("pyro workspace exec -- true, end to end", cliExec));
            add(name, new Stats("file write, 64 KiB", write));
            add(name, new Stats("file read, 64 KiB", read));
            add(name, new Stats("diff, 1,000 files, 6 changed", diffs(pyro, base.withSeed(big))));
            add(name, new Stats("snapshot create", snapshot));
            add(name, new Stats("reset to snapshot", reset));
            add(name, new Stats("delete", delete));
            idle(pyro, name, base);
        }
        if (name.equals("vm")) {
            coldAndWarmCreates(name);
        }
        derived.put(name + ".create_over_floor", round(median(create) / floor.median()));
    }

    /**
     * MCP tool call overhead: {@code workspace_file_read} through {@code pyro mcp serve} (stdio,
     * JSON-RPC) against the same read through the SDK, on the same workspace and engine.
     */
    private void mcpOverhead(Pyro pyro, String id) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "mcp", "serve", "--no-project-source")
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PYRO_STATE_DIR", paths.stateDir().toString());
        Process server = builder.start();
        try (java.io.BufferedWriter in = new java.io.BufferedWriter(new java.io.OutputStreamWriter(
                server.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8));
             java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                     server.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            rpc(in, out, 1, "initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"pyro-bench\",\"version\":\"1\"}}");
            in.write("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
            in.flush();
            String call = "{\"name\":\"workspace_file_read\",\"arguments\":{\"workspace_id\":\"" + id
                    + "\",\"path\":\"big.txt\"}}";
            rpc(in, out, 2, "tools/call", call); // warm-up
            List<Double> viaMcp = new ArrayList<>();
            List<Double> viaSdk = new ArrayList<>();
            for (int k = 0; k < runs * 3; k++) {
                int rpcId = 10 + k;
                viaMcp.add(time(() -> rpc(in, out, rpcId, "tools/call", call)));
                viaSdk.add(time(() -> pyro.readWorkspaceFile(id, "big.txt", 65536)));
            }
            Stats mcp = new Stats("MCP tools/call workspace_file_read (stdio)", viaMcp);
            add("mcp", mcp);
            Stats sdk = new Stats("SDK readWorkspaceFile (same file)", viaSdk);
            add("mcp", sdk);
            derived.put("mcp.tool_call_overhead_ms_median", round(mcp.median() - sdk.median()));
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /** Sends one JSON-RPC request and reads lines until its response; fails on a JSON-RPC error. */
    private static String rpc(java.io.BufferedWriter in, java.io.BufferedReader out, int id, String method,
                              String params) {
        try {
            in.write("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params
                    + "}\n");
            in.flush();
            while (true) {
                String line = out.readLine();
                if (line == null) {
                    throw new IllegalStateException("the MCP server closed its output");
                }
                var node = Json.MAPPER.readTree(line);
                if (node.path("id").asInt(-1) == id) {
                    if (node.has("error") || node.path("result").path("isError").asBoolean(false)) {
                        throw new IllegalStateException("MCP " + method + " failed: " + line);
                    }
                    return line;
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<Double> diffs(Pyro pyro, WorkspaceRequest request) throws Exception {
        String id = pyro.createWorkspace(request).workspaceId();
        try {
            pyro.execWorkspace(id, "for i in 1 2 3 4 5; do echo more >> d$i/f$i.txt; done; echo new > added.txt", 30);
            return repeat(runs, () -> time(() -> pyro.diffWorkspace(id)));
        } finally {
            pyro.deleteWorkspace(id);
        }
    }

    /**
     * {@code pyro workspace create} end to end from the CLI, from the warm template and with
     * templates off ({@code PYRO_TEMPLATES=off}, its own state dir and engine), so the two sit side by side.
     */
    private void coldAndWarmCreates(String name) throws Exception {
        for (boolean warm : List.of(true, false)) {
            Path state = warm ? paths.stateDir() : scratch.resolve("state-cold");
            Map<String, String> env = warm ? Map.of("PYRO_STATE_DIR", state.toString())
                    : Map.of("PYRO_STATE_DIR", state.toString(), "PYRO_TEMPLATES", "off");
            List<Double> samples = new ArrayList<>();
            for (int i = 0; i <= runs; i++) {
                long t0 = System.nanoTime();
                String id = cliOutput(env, "workspace", "create", environment, "--backend", name, "--id-only").trim();
                double took = ms(t0);
                if (i > 0) { // the first one may build the template
                    samples.add(took);
                }
                cliOutput(env, "workspace", "delete", id);
            }
            add(name, new Stats("pyro workspace create, CLI, " + (warm ? "warm template" : "cold boot"), samples));
            if (!warm) {
                try (EngineClient cold = new EngineClient(new PyroPaths(paths.cacheDir(), state,
                        paths.environmentCacheDir()))) {
                    cold.shutdown();
                } catch (RuntimeException e) {
                    // already gone
                }
            }
        }
    }

    private String cliOutput(Map<String, String> env, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(launcher.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }

    /** Host RSS of idle workspaces' sandbox processes, and how many fit while 4 GiB stay free. */
    private void idle(Pyro pyro, String name, WorkspaceRequest base) throws Exception {
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < IDLE_SAMPLE; i++) {
                ids.add(pyro.createWorkspace(base).workspaceId());
            }
            Thread.sleep(2000); // let boot-time work settle
            List<Double> rss = new ArrayList<>();
            for (String id : ids) {
                rss.add(rssMib(paths.workspacesDir().resolve(id).toString()));
            }
            Stats stats = new Stats("host RSS per idle workspace", "MiB", rss);
            add(name, stats);
            long available = memAvailableBytes();
            long fit = ids.size() + Math.max(0, (available - KEEP_FREE_BYTES) / (long) (stats.median() * (1 << 20)));
            derived.put(name + ".idle_workspaces_that_fit_keeping_4_gib_free", fit);
            derived.put(name + ".mem_available_mib_with_" + ids.size() + "_idle", available >> 20);
        } finally {
            ids.forEach(pyro::deleteWorkspace);
        }
    }

    // ------------------------------------------------------------------ substrate floors

    /** runsc alone: {@code runsc run} of /bin/true on the environment's rootfs, no Pyro in the path. */
    private Stats runscFloor(InstallState install) throws Exception {
        Path bundle = Files.createDirectories(scratch.resolve("runsc-bundle"));
        Path root = Files.createDirectories(scratch.resolve("runsc-root"));
        run(bundle, "runsc", "spec");
        ObjectNode config = (ObjectNode) Json.MAPPER.readTree(Files.readString(bundle.resolve("config.json")));
        Path rootfs = install.installDir().resolve(install.manifest().artifacts().rootfsDir());
        ((ObjectNode) config.get("root")).put("path", rootfs.toString()).put("readonly", true);
        ObjectNode process = (ObjectNode) config.get("process");
        process.put("terminal", false);
        process.putArray("args").add("/bin/true");
        Files.writeString(bundle.resolve("config.json"), Json.MAPPER.writeValueAsString(config));
        return new Stats("floor: runsc run /bin/true (same rootfs)", repeat(runs, () -> {
            long t0 = System.nanoTime();
            run(bundle, "runsc", "--root", root.toString(), "--platform=ptrace", "--network=none", "run",
                    "--bundle", bundle.toString(), "floor" + System.nanoTime());
            return ms(t0);
        }));
    }

    /** QEMU alone: our kernel and initramfs booted to a ready agent, no engine or workspace around it. */
    private Stats qemuFloor(SandboxBackend backend, EnvironmentSpec spec, InstallState install) throws Exception {
        GuestKernel kernel = new GuestKernels(paths).ensureBuilt(Progress.NONE);
        Path root = Files.createDirectories(scratch.resolve("qemu-floor"));
        return new Stats("floor: QEMU boot of kernel " + kernel.version() + " to agent", repeat(runs, () -> {
            String id = "floor" + System.nanoTime() % 10_000_000;
            SandboxRecord record = backend.create(new SandboxRequest(id, spec, install, 1, 1024, false,
                    root.resolve(id)));
            long t0 = System.nanoTime();
            SandboxRecord started = backend.start(record, Duration.ofSeconds(60));
            try (AgentConnection agent = AgentConnection.connectUnix(started.agentSocket(), Duration.ofSeconds(30),
                    AgentConnection.Options.forSerial().withHello(Duration.ofSeconds(2), 30, true))) {
                double took = ms(t0);
                agent.ping();
                return took;
            } finally {
                backend.delete(started);
            }
        }));
    }

    // ------------------------------------------------------------------ output

    private void print() {
        System.out.println("# Pyro benchmark suite: " + environment + ", " + runs + " runs per row, " + machine());
        String section = null;
        for (Row row : rows) {
            if (!row.section().equals(section)) {
                section = row.section();
                System.out.println();
                System.out.println("## " + section);
                System.out.println();
                System.out.println(Stats.header());
            }
            System.out.println(row.stats().row());
        }
        System.out.println();
        derived.forEach((k, v) -> System.out.println("- " + k + ": " + v));
    }

    private void write(Path output) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", LocalDate.now().toString());
        json.put("machine", machine());
        json.put("environment", environment);
        json.put("runs", runs);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Row row : rows) {
            Stats s = row.stats();
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("section", row.section());
            item.put("name", s.name());
            item.put("unit", s.unit());
            item.put("runs", s.samples().size());
            item.put("min", round(s.min()));
            item.put("median", round(s.median()));
            item.put("p90", round(s.p90()));
            item.put("max", round(s.max()));
            item.put("samples", s.samples().stream().map(BenchSuite::round).toList());
            list.add(item);
        }
        json.put("rows", list);
        json.put("derived", derived);
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, Json.PRETTY.writeValueAsString(json) + "\n");
        System.out.println("\nwrote " + output);
    }

    private static String machine() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        long totalMib = 0;
        try {
            totalMib = meminfo("MemTotal") >> 20;
        } catch (IOException e) {
            // unknown
        }
        return String.format(Locale.ROOT, "%s, %d cores, %d MiB, Java %s", host,
                Runtime.getRuntime().availableProcessors(), totalMib, Runtime.version().feature());
    }

    // ------------------------------------------------------------------ helpers

    private void add(String section, Stats stats) {
        rows.add(new Row(section, stats));
        System.err.println("[bench] " + section + ": " + stats.name() + " median "
                + String.format(Locale.ROOT, "%.1f", stats.median()) + " " + stats.unit());
    }

    private Path bigSeed() throws IOException {
        Path big = Files.createDirectories(scratch.resolve("seed-big"));
        for (int i = 0; i < 1000; i++) {
            Path dir = Files.createDirectories(big.resolve("d" + (i % 20)));
            Files.writeString(dir.resolve("f" + i + ".txt"), "line one of " + i + "\nline two\nline three\n");
        }
        return big;
    }

    /** One CLI process against this run's state dir; fails the suite if it fails. */
    private double cli(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(launcher.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PYRO_STATE_DIR", paths.stateDir().toString());
        long t0 = System.nanoTime();
        int exit = builder.start().waitFor();
        double took = ms(t0);
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " exited " + exit);
        }
        return took;
    }

    private static void run(Path dir, String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
        }
    }

    private static List<Double> repeat(int n, Callable<Double> sample) throws Exception {
        List<Double> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            samples.add(sample.call());
        }
        return samples;
    }

    private static double time(Runnable action) {
        long t0 = System.nanoTime();
        action.run();
        return ms(t0);
    }

    private static double ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private static double median(List<Double> samples) {
        return new Stats("", samples).median();
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    /** Sum of VmRSS over the processes whose command line mentions {@code marker}. */
    private static double rssMib(String marker) throws IOException {
        long kb = 0;
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            Path proc = Path.of("/proc", Long.toString(p.pid()));
            try {
                if (!Files.readString(proc.resolve("cmdline")).replace('\0', ' ').contains(marker)) {
                    continue;
                }
                for (String line : Files.readAllLines(proc.resolve("status"))) {
                    if (line.startsWith("VmRSS:")) {
                        kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process ended meanwhile
            }
        }
        return kb / 1024.0;
    }

    private static long memAvailableBytes() throws IOException {
        return meminfo("MemAvailable");
    }

    private static long meminfo(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException(key + " not in /proc/meminfo");
    }
}
