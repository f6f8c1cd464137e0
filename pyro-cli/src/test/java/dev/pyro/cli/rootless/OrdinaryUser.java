package dev.pyro.cli.rootless;

import dev.pyro.cli.McpPeers;
import dev.pyro.cli.PyroCli;
import dev.pyro.engine.cache.CacheLock;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.api.Json;
import dev.pyro.engine.kernel.GuestKernel;
import dev.pyro.engine.kernel.KernelBuilder;
import dev.pyro.api.Progress;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fresh ordinary account for one test, made by root and removed afterwards: the proof that Pyro
 * works for the person at the keyboard (issue 2/8), since CI itself runs as root.
 *
 * <p>{@link #create} runs {@code useradd -m} (Debian's useradd also writes a 65536-id range to
 * /etc/subuid and /etc/subgid; one is added when it did not), and the account gets this build of
 * the CLI as a world-readable copy of the test classpath (the originals sit in root's 0700
 * ~/.m2), the JDK (copied only when the account cannot read it) and the official TypeScript MCP
 * client. Every command runs through {@code setpriv} with the account's uid, gid and groups and a
 * clean environment: HOME, USER, LOGNAME, PATH (Debian's for ordinary users, without the sbin
 * dirs), LANG and PYRO_PROGRESS_PLAIN only, so its cache and
 * state are the defaults under its own, empty HOME ({@code ~/.cache/pyro}, {@code ~/.local/state/pyro}),
 * exactly as for a new user. {@link #close} kills every process of the account and of its
 * subordinate ids (engine, QEMU, runsc, guest processes), runs {@code userdel -r} (which also drops
 * its /etc/subuid and /etc/subgid lines on Debian; any left are removed) and deletes what it left in
 * /tmp, /var/tmp and /dev/shm.
 */
public final class OrdinaryUser implements AutoCloseable {

    /** What a command printed and how it ended. */
    public record Result(int exitCode, String stdout, String stderr) {
        /** For assertion messages. */
        public String describe() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** A subordinate id range, as in /etc/subuid: {@code name:start:count}. */
    public record IdRange(long start, long count) {
        boolean contains(long id) {
            return id >= start && id < start + count;
        }
    }

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(20);
    private static final long NEEDED_IDS = 65536;
    private static final Object ACCOUNTS = new Object(); // useradd/usermod one at a time in this JVM
    private static Staged staged;

    private final String name;
    private final long uid;
    private final long gid;
    private final Path home;
    private final List<IdRange> subordinate = new ArrayList<>();
    private boolean closed;

    private OrdinaryUser(String name, long uid, long gid, Path home) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
        this.home = home;
    }

    /** Skips the test (with the reason) unless it runs as root, which it needs to make accounts. */
    public static void assumeRoot() {
        Assumptions.assumeTrue(isRoot(), "the rootless tests make ordinary accounts (useradd) and so run only as "
                + "root, as CI does; this run is uid " + currentUid());
    }

    /**
     * A new account named {@code pyro-<tag>-<random>} with a home and 65536 subordinate uids and gids.
     * Skips the test when not root.
     */
    public static OrdinaryUser create(String tag) throws IOException, InterruptedException {
        assumeRoot();
        long started = System.nanoTime();
        stage(); // once per JVM, before the account and outside the timed part of a test
        long staged = millis(started);
        String name = "pyro-" + tag + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        long waited;
        OrdinaryUser user;
        // Only the edits of /etc/passwd, /etc/subuid and /etc/subgid take turns in this JVM.
        synchronized (ACCOUNTS) {
            waited = millis(started) - staged;
            root(List.of("useradd", "-m", "-s", "/bin/bash", name));
        }
        long added = millis(started);
        try {
            user = new OrdinaryUser(name, Long.parseLong(root(List.of("id", "-u", name)).trim()),
                    Long.parseLong(root(List.of("id", "-g", name)).trim()), Path.of(root(List.of("getent", "passwd", name))
                    .trim().split(":")[5]));
        } catch (IOException | RuntimeException e) {
            rootResult(List.of("userdel", "-r", name));
            throw e;
        }
        try {
            synchronized (ACCOUNTS) {
                user.ensureSubordinateIds();
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            user.close();
            throw e;
        }
        log("account " + name + " (uid " + user.uid + ", subuids " + user.subordinate + ") made in "
                + millis(started) + " ms (staging " + staged + " ms, account lock waited " + waited
                + " ms, useradd done at " + added + " ms)");
        return user;
    }

    public String name() {
        return name;
    }

    public long uid() {
        return uid;
    }

    public Path home() {
        return home;
    }

    /** The account's Pyro cache: the default, {@code ~/.cache/pyro}. */
    public Path cacheDir() {
        return home.resolve(".cache/pyro");
    }

    /** The account's Pyro state: the default, {@code ~/.local/state/pyro}. */
    public Path stateDir() {
        return home.resolve(".local/state/pyro");
    }

    /** Its ranges in /etc/subuid (the same start and count are granted in /etc/subgid). */
    public List<IdRange> subordinateIds() {
        return List.copyOf(subordinate);
    }

    /** Takes the account's /etc/subuid and /etc/subgid lines away (the user without subordinate ids). */
    public void removeSubordinateIds() throws IOException, InterruptedException {
        synchronized (ACCOUNTS) {
            for (String kind : List.of("uid", "gid")) {
                for (IdRange r : ranges(Path.of("/etc/sub" + kind), name)) {
                    root(List.of("usermod", "--del-sub" + kind + "s", r.start() + "-" + (r.start() + r.count() - 1), name));
                }
            }
        }
    }

    /** The argv that runs the CLI of this build, as the staged copy the account can read. */
    public List<String> pyroCommand(String... args) throws IOException, InterruptedException {
        Staged s = stage();
        List<String> argv = new ArrayList<>(List.of(s.java().toString(), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-XX:-UsePerfData", "-cp", s.classPath(), PyroCli.class.getName()));
        argv.addAll(List.of(args));
        return argv;
    }

    /** {@code pyro ARGS} as the account, in its home, with up to {@link #DEFAULT_TIMEOUT}. */
    public Result pyro(String... args) throws IOException, InterruptedException {
        return run(pyroCommand(args), Map.of(), DEFAULT_TIMEOUT);
    }

    /** Any command as the account, in its home, with the clean environment plus {@code env}. */
    public Result run(List<String> argv, Map<String, String> env, Duration timeout) throws IOException, InterruptedException {
        Process p = start(argv, env);
        p.getOutputStream().close();
        CompletableFuture<String> out = read(p.getInputStream());
        CompletableFuture<String> err = read(p.getErrorStream());
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", argv) + " as " + name + " did not finish within " + timeout);
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }

    /** Starts a command as the account (stdin open for the caller). */
    public Process start(List<String> argv, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--init-groups", "--"));
        command.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> e = pb.environment();
        e.clear();
        e.put("HOME", home.toString());
        e.put("USER", name);
        e.put("LOGNAME", name);
        // An ordinary user's PATH on Debian (login.defs ENV_PATH): no /usr/sbin, so a tool Pyro finds
        // only there (mke2fs, debugfs) must be found by Pyro itself, as it must for the real user.
        e.put("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games");
        e.put("LANG", "C.UTF-8");
        e.put("PYRO_PROGRESS_PLAIN", "1");
        e.putAll(env);
        return pb.start();
    }

    /** A file the account owns (mode 0600): plans, scripts, seeds. */
    public Path writeFile(String relative, String content) throws IOException, InterruptedException {
        Path file = home.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        root(List.of("chown", "-R", uid + ":" + gid, home.resolve(Path.of(relative).getName(0)).toString()));
        return file;
    }

    /**
     * Runs the official TypeScript MCP client as the account with a plan (see
     * {@code src/test/node/mcp-client.cjs}); {@code command}/{@code args} of a stdio plan are
     * typically {@link #pyroCommand}. Returns its JSON report plus {@code stderr}.
     */
    public JsonNode mcpClient(Map<String, Object> plan) throws IOException, InterruptedException {
        Staged s = stage();
        Path planFile = writeFile(".pyro-test/plan-" + System.nanoTime() + ".json", Json.MAPPER.writeValueAsString(plan));
        Result r = run(List.of("node", s.node().resolve("mcp-client.cjs").toString(), planFile.toString()),
                Map.of("NODE_PATH", s.node().resolve("node_modules").toString()), DEFAULT_TIMEOUT);
        if (r.stdout().isBlank()) {
            throw new AssertionError("the MCP client printed nothing as " + name + ":\n" + r.describe());
        }
        return ((ObjectNode) Json.MAPPER.readTree(r.stdout())).put("stderr", r.stderr());
    }

    /**
     * Copies the test run's downloaded Debian packages into the account's package cache. They are
     * downloads, not builds, and the cold run shares them the same way (docs/development.md): the
     * account still builds every environment itself. Taken from a snapshot made once per JVM,
     * since the run's package cache is locked while any root test builds an environment (minutes
     * under load: a copy per account waited up to 5 min behind other builds).
     */
    public void copyPackageCacheFromTestRun() throws IOException, InterruptedException {
        long started = System.nanoTime();
        Optional<Path> snapshot = packageSnapshot();
        if (snapshot.isEmpty()) {
            return;
        }
        Path to = cacheDir().resolve("packages");
        Files.createDirectories(to);
        root(List.of("cp", "-a", "--no-preserve=ownership", snapshot.get() + "/.", to + "/"));
        chownToUser(cacheDir());
        log("packages copied for " + name + " in " + millis(started) + " ms");
    }

    private static final Object PACKAGES = new Object();
    private static Optional<Path> packageSnapshot;

    /** The run's package cache, copied under its builders' locks once per JVM; empty when it has none. */
    private static Optional<Path> packageSnapshot() throws IOException, InterruptedException {
        Path stageDir = stage().dir(); // before PACKAGES: staging must never wait behind a package lock
        synchronized (PACKAGES) {
            return packageSnapshot(stageDir);
        }
    }

    private static Optional<Path> packageSnapshot(Path stageDir) throws IOException, InterruptedException {
        if (packageSnapshot != null) {
            return packageSnapshot;
        }
        Path from = PyroPaths.fromEnvironment().packageCacheDir();
        if (!Files.isDirectory(from)) {
            packageSnapshot = Optional.empty();
            return packageSnapshot;
        }
        long started = System.nanoTime();
        Path to = stageDir.resolve("packages");
        Files.createDirectories(to);
        // Hold each suite's lock as its builders do, so a root test's sync-out is not copied half done.
        List<CacheLock> locks = new ArrayList<>();
        try (Stream<Path> suites = Files.list(from)) {
            for (Path suite : suites.filter(Files::isDirectory).toList()) {
                locks.add(CacheLock.acquire(suite.resolveSibling(suite.getFileName() + ".lock")));
            }
            root(List.of("cp", "-a", "--no-preserve=ownership", from + "/.", to + "/"));
        } finally {
            for (CacheLock lock : locks) {
                lock.close();
            }
        }
        // no lock files in the snapshot: the account makes its own
        try (Stream<Path> entries = Files.list(to)) {
            for (Path lock : entries.filter(p -> p.getFileName().toString().endsWith(".lock")).toList()) {
                Files.delete(lock);
            }
        }
        log("package cache snapshot from " + from + " in " + millis(started) + " ms");
        packageSnapshot = Optional.of(to);
        return packageSnapshot;
    }

    static void log(String line) {
        System.out.println("[rootless] " + line);
    }

    static long millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /**
     * Gives the account the test run's guest kernel (building it there first if needed). Building it
     * as the account would cost another 8-10 minutes on 2 cores (44 min measured under load) and
     * prove nothing new: the kernel build is make in a directory the user owns, no privilege. The
     * environments, which do need privilege, the account always builds itself.
     */
    public GuestKernel copyKernelFromTestRun() throws IOException, InterruptedException {
        long started = System.nanoTime();
        GuestKernel kernel = new KernelBuilder(PyroPaths.fromEnvironment()).ensureBuilt(Progress.NONE);
        log("guest kernel " + kernel.version() + " ready in the test run's cache after " + millis(started) + " ms");
        Path to = cacheDir().resolve("kernels").resolve(PyroPaths.PLATFORM).resolve(kernel.version());
        Files.createDirectories(to.getParent());
        root(List.of("cp", "-a", kernel.directory().toString(), to.toString()));
        chownToUser(cacheDir());
        return kernel;
    }

    /** chown -R to the account (for files root put in its home). */
    public void chownToUser(Path path) throws IOException, InterruptedException {
        root(List.of("chown", "-R", uid + ":" + gid, path.toString()));
        // the parents up to home, which root may have created
        for (Path p = path.getParent(); p != null && p.startsWith(home) && !p.equals(home); p = p.getParent()) {
            root(List.of("chown", uid + ":" + gid, p.toString()));
        }
    }

    /** Pids of live processes running as the account or as one of its subordinate ids. */
    public List<Long> processes() {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path dir : entries.toList()) {
                String n = dir.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                Optional<long[]> ids = uids(dir.resolve("status"));
                if (ids.isPresent() && Stream.of(ids.get()).flatMapToLong(java.util.Arrays::stream).anyMatch(this::owns)) {
                    pids.add(Long.parseLong(n));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pids;
    }

    private boolean owns(long id) {
        return id == uid || id == gid || subordinate.stream().anyMatch(r -> r.contains(id));
    }

    /** Kills the account's processes (by pid), removes the account, its home and its /tmp leftovers. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        // An engine or a sandbox's processes may fork while we kill: repeat until two scans are empty.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int empty = 0;
        while (empty < 2 && System.nanoTime() < deadline) {
            List<Long> pids = processes();
            empty = pids.isEmpty() ? empty + 1 : 0;
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            Thread.sleep(100);
        }
        long killed = millis(started);
        long waitedForLock;
        // The home goes first, outside the account lock: with an environment and workspaces in it,
        // deleting it took over 2 minutes on a loaded host and held up every other account.
        root(List.of("rm", "-rf", "--one-file-system", home.toString()));
        long homeDeleted = millis(started);
        synchronized (ACCOUNTS) {
            waitedForLock = millis(started) - homeDeleted;
            Result del = rootResult(List.of("userdel", "-r", name));
            // 12: no home or mail spool left to remove (removed above; Debian makes no spool)
            if (del.exitCode() != 0 && del.exitCode() != 12) {
                throw new IOException("userdel -r " + name + " failed: " + del.describe());
            }
            for (String kind : List.of("uid", "gid")) {
                Path file = Path.of("/etc/sub" + kind);
                if (!ranges(file, name).isEmpty()) {
                    List<String> kept = Files.readAllLines(file).stream().filter(l -> !l.startsWith(name + ":")).toList();
                    Path tmp = file.resolveSibling(file.getFileName() + ".pyro-test");
                    Files.write(tmp, kept);
                    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
        for (String dir : List.of("/tmp", "/var/tmp", "/dev/shm")) {
            try (Stream<Path> entries = Files.list(Path.of(dir))) {
                for (Path entry : entries.toList()) {
                    try {
                        long owner = ((Number) Files.getAttribute(entry, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS)).longValue();
                        if (owns(owner)) {
                            root(List.of("rm", "-rf", "--one-file-system", entry.toString()));
                        }
                    } catch (IOException e) {
                        // gone meanwhile
                    }
                }
            }
        }
        log("account " + name + " removed in " + millis(started) + " ms (processes killed after " + killed
                + " ms, home deleted after " + homeDeleted + " ms, account lock waited " + waitedForLock + " ms)");
    }

    private void ensureSubordinateIds() throws IOException, InterruptedException {
        for (String kind : List.of("uid", "gid")) {
            Path file = Path.of("/etc/sub" + kind);
            if (ranges(file, name).stream().noneMatch(r -> r.count() >= NEEDED_IDS)) {
                long start = Math.max(100000, Files.readAllLines(file).stream().map(l -> l.split(":"))
                        .filter(f -> f.length == 3).mapToLong(f -> Long.parseLong(f[1].trim()) + Long.parseLong(f[2].trim()))
                        .max().orElse(100000));
                root(List.of("usermod", "--add-sub" + kind + "s", start + "-" + (start + NEEDED_IDS - 1), name));
            }
        }
        subordinate.addAll(ranges(Path.of("/etc/subuid"), name));
        // gids of the account's files and processes too (same start on Debian, but not guaranteed)
        ranges(Path.of("/etc/subgid"), name).stream().filter(r -> !subordinate.contains(r)).forEach(subordinate::add);
        if (subordinate.isEmpty()) {
            throw new IOException("no subordinate ids for " + name + " after useradd and usermod");
        }
    }

    static List<IdRange> ranges(Path file, String user) throws IOException {
        List<IdRange> found = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split(":");
            if (f.length == 3 && f[0].equals(user)) {
                found.add(new IdRange(Long.parseLong(f[1].trim()), Long.parseLong(f[2].trim())));
            }
        }
        return found;
    }

    /** Real, effective, saved and filesystem uids, and the same gids, from /proc/PID/status. */
    private static Optional<long[]> uids(Path status) {
        try {
            List<Long> ids = new ArrayList<>();
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:") || line.startsWith("Gid:")) {
                    for (String f : line.substring(4).trim().split("\\s+")) {
                        ids.add(Long.parseLong(f));
                    }
                }
            }
            return Optional.of(ids.stream().mapToLong(Long::longValue).toArray());
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // exited meanwhile
        }
    }

    // ---------------------------------------------------------------- what the account may read

    /** The build, JDK and MCP client, copied once per JVM where every account can read them. */
    record Staged(Path dir, Path java, String classPath, Path node) {
    }

    static synchronized Staged stage() throws IOException, InterruptedException {
        if (staged != null) {
            return staged;
        }
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pyro-rootless-stage-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                new ProcessBuilder("rm", "-rf", "--one-file-system", dir.toString()).start().waitFor();
            } catch (IOException | InterruptedException e) {
                // best effort at exit
            }
        }));
        // The classpath: target/classes dirs of the reactor and jars from root's ~/.m2 (0700 /root).
        Path cp = Files.createDirectory(dir.resolve("classpath"));
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (entry.isEmpty() || !Files.exists(source) || entry.contains("test-classes")) {
                continue; // the CLI needs none of the test classes
            }
            Path target = cp.resolve(String.format("%03d-%s", i++, source.getFileName()));
            root(List.of("cp", "-a", "--no-preserve=ownership", source.toString(), target.toString()));
            entries.add(target.toString());
        }
        // The JDK: used where it is (it usually is world-readable under /usr/lib/jvm), else copied.
        Path javaHome = Path.of(System.getProperty("java.home"));
        if (!worldReadable(javaHome.resolve("bin/java")) || !worldReadable(javaHome.resolve("lib/modules"))) {
            root(List.of("cp", "-a", "--no-preserve=ownership", javaHome.toString(), dir.resolve("jdk").toString()));
            javaHome = dir.resolve("jdk");
        }
        // The official TypeScript MCP client, installed by the test run (into root's cache).
        Path node = Files.createDirectory(dir.resolve("node"));
        Path peers = McpPeers.install();
        root(List.of("cp", "-a", "--no-preserve=ownership", peers.resolve("node_modules").toString(),
                node.resolve("node_modules").toString()));
        Files.copy(McpPeers.NODE_DIR.resolve("mcp-client.cjs"), node.resolve("mcp-client.cjs"));
        root(List.of("chmod", "-R", "a+rX", dir.toString()));
        staged = new Staged(dir, javaHome.resolve("bin/java"), String.join(File.pathSeparator, entries), node);
        log("build, JDK and MCP client staged for ordinary accounts in " + dir + " in " + millis(started) + " ms");
        return staged;
    }

    /** Whether any account can reach and read the file: o+x on every parent, o+r on it. */
    static boolean worldReadable(Path file) throws IOException {
        Path real = file.toRealPath();
        if (!Files.getPosixFilePermissions(real).contains(PosixFilePermission.OTHERS_READ)) {
            return false;
        }
        for (Path p = real.getParent(); p != null; p = p.getParent()) {
            if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- root's own commands

    static boolean isRoot() {
        return currentUid() == 0;
    }

    private static long currentUid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Runs a command as root (this JVM) and returns its stdout; fails with its output otherwise. */
    static String root(List<String> argv) throws IOException, InterruptedException {
        Result r = rootResult(argv);
        if (r.exitCode() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + r.describe());
        }
        return r.stdout();
    }

    static Result rootResult(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = read(p.getInputStream());
        CompletableFuture<String> err = read(p.getErrorStream());
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " did not finish within 10 min");
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }

    private static CompletableFuture<String> read(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A stdio MCP plan that starts {@code pyro mcp serve ARGS} as this account. */
    public Map<String, Object> stdioPlan(List<String> serveArgs, List<Map<String, Object>> calls)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("mcp", "serve"));
        argv.addAll(serveArgs);
        List<String> server = pyroCommand(argv.toArray(String[]::new));
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("transport", "stdio");
        plan.put("command", server.get(0));
        plan.put("args", server.subList(1, server.size()));
        plan.put("cwd", home.toString());
        plan.put("calls", calls);
        return plan;
    }

    static Set<PosixFilePermission> mode(Path path) throws IOException {
        return Files.getPosixFilePermissions(path, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }
}
