package dev.pyro.engine.server;

import dev.pyro.api.PyroException;
import dev.pyro.api.PyroPaths;
import dev.pyro.engine.host.HostPrivilege;
import dev.pyro.engine.host.HostTools;
import dev.pyro.protocol.ErrorText;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts the engine of a state dir when none answers, like the Gradle daemon: the same {@code java}
 * and classpath as this client, in its own session ({@code setsid}, so Ctrl-C in the client's
 * terminal does not reach it), stdin from /dev/null and output into {@code engine.log}, so a parent
 * that reads this client's output to its end does not wait for the daemon too.
 */
final class EngineLauncher {

    /** How long a new engine may take to answer. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    /** How long to wait for an engine that is alive but not answering (starting, or draining to stop). */
    static final Duration OLD_ENGINE_TIMEOUT = EngineServer.DRAIN_TIMEOUT.plusSeconds(15);
    /** Short start, small footprint: the engine waits on sandboxes, it does not compute. */
    // Native access for zstd-jni (seed archives): without it JDK 22+ warns on first use. No perf data
    // file in /tmp: its pid can collide with a JVM's in another pid namespace (see ./pyro).
    private static final List<String> JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED");
    private static final String STATE_LABEL = "-Dpyro.engine.state=";

    private final PyroPaths paths;
    private final EngineFiles files;
    private final Map<String, String> engineEnv;

    EngineLauncher(PyroPaths paths, Map<String, String> engineEnv) {
        this.paths = paths;
        this.files = new EngineFiles(paths.stateDir());
        this.engineEnv = Map.copyOf(engineEnv);
    }

    /** Returns once an engine answers on the socket, starting one if needed. */
    void ensureRunning() {
        if (EngineSocket.answers(files.socket())) {
            return;
        }
        Map<String, String> env = environment();
        checkSettings();
        files.checkSocketPath();
        files.prepareStateDir();
        EngineFiles.checkCacheDirs(paths);
        long started = System.nanoTime();
        Process launched = null;
        long launchedAt = 0;
        while (true) {
            if (EngineSocket.answers(files.socket())) {
                return;
            }
            long alive = liveEnginePid();
            if (alive == 0 && (launched == null || !launched.isAlive())) {
                if (launched != null && launched.exitValue() != 0) {
                    throw failure("the pyro engine exited with status " + launched.exitValue() + " while starting");
                }
                // None yet, or ours lost a race to an engine that has since gone: (re)start one.
                launched = launch(env);
                launchedAt = launchedAt == 0 ? System.nanoTime() : launchedAt;
            }
            boolean oursIsStarting = launched != null && (alive == 0 || alive == launched.pid());
            if (oursIsStarting && System.nanoTime() - launchedAt > START_TIMEOUT.toNanos()) {
                throw failure("the pyro engine did not answer within " + START_TIMEOUT.toSeconds() + " s");
            }
            if (System.nanoTime() - started > OLD_ENGINE_TIMEOUT.toNanos()) {
                throw failure("the pyro engine (pid " + alive + ") did not answer within "
                        + OLD_ENGINE_TIMEOUT.toSeconds() + " s");
            }
            sleep(20);
        }
    }

    /**
     * Bad PYRO_ENGINE_IDLE_SECONDS / PYRO_MAX_ACTIVE_VMS fail in every client with INVALID_INPUT, as
     * they did in-process, even when a running engine (started with other values) would serve it.
     */
    void checkSettings() {
        EngineSettings.fromEnvironment(environment());
    }

    /** Waits for an engine process to exit (after a shutdown request). */
    static void awaitExit(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running(pid) && System.nanoTime() < deadline) {
            sleep(20);
        }
    }

    /** The pid in engine.pid if that process runs and is this state dir's engine (pids get reused). */
    long liveEnginePid() {
        long pid = files.readPid();
        if (pid <= 0 || !running(pid)) {
            return 0;
        }
        try {
            List<String> args = List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0"));
            return args.contains(EngineMain.class.getName()) && args.contains(STATE_LABEL + paths.stateDir()) ? pid : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Alive and not a zombie: an engine whose parent is gone belongs to PID 1, which may reap it late
     * (this host's does), and a dead engine must not be waited for.
     */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            return false; // no such process
        }
    }

    private Process launch(Map<String, String> env) {
        List<String> argv = new ArrayList<>();
        HostTools.which("setsid").ifPresent(setsid -> argv.add(setsid.toString()));
        boolean rootless = HostPrivilege.current() == HostPrivilege.USER;
        if (rootless) {
            // An ordinary user's engine runs as root of the user's namespace (HostPrivilege.USER_NAMESPACE),
            // which outlives it (EngineNamespace). nsenter without a pid namespace execs in place, so the
            // launched pid is the engine's (liveEnginePid).
            argv.addAll(new EngineNamespace(paths.stateDir()).enterPrefix());
        }
        String java = javaBinary();
        argv.add(java);
        argv.addAll(JVM_FLAGS);
        if (rootless) {
            // Inside, getpwuid(0) says /root: the JVM would take it as the home (not readable, not ours).
            argv.add("-Duser.home=" + System.getProperty("user.home"));
        }
        argv.add(STATE_LABEL + paths.stateDir()); // a label for ps and for liveEnginePid; settings come from env
        argv.addAll(List.of("-cp", absoluteClassPath(), EngineMain.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(new File("/")) // holds no directory (a test's temp dir, a mount) busy
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(files.log().toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(files.log().toFile()));
        builder.environment().putAll(env);
        try {
            EngineFiles.ownerOnly(files.log());
            return builder.start();
        } catch (IOException e) {
            throw PyroException.runtime("cannot start the pyro engine with " + java + ": "
                    + ErrorText.of(e), e);
        }
    }

    /** This client's environment plus the paths it uses, so the engine serves the same dirs. */
    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PYRO_STATE_DIR", paths.stateDir().toString());
        env.put("PYRO_CACHE_DIR", paths.cacheDir().toString());
        env.put("PYRO_ENVIRONMENT_CACHE_DIR", paths.environmentCacheDir().toString());
        env.putAll(engineEnv);
        return env;
    }

    private static String javaBinary() {
        Optional<String> command = ProcessHandle.current().info().command();
        return command.filter(c -> c.endsWith("/java")).orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The engine runs in /, so relative classpath entries must not stay relative. */
    private static String absoluteClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(new File(entry).getAbsolutePath());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private PyroException failure(String what) {
        return PyroException.runtime(what + "; see " + files.log() + logTail(), null);
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(files.log());
            List<String> tail = lines.subList(Math.max(0, lines.size() - 5), lines.size());
            return tail.isEmpty() ? "" : ":\n" + String.join("\n", tail);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PyroException.runtime("interrupted while waiting for the pyro engine", e);
        }
    }
}
