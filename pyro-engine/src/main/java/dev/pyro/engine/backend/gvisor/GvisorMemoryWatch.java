package dev.pyro.engine.backend.gvisor;

import dev.pyro.engine.backend.SandboxProcesses;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The memory bound of a gVisor sandbox where host cgroups are not ours (an ordinary user's engine runs
 * runsc with {@code --ignore-cgroups}): every second, the proportional memory (Pss + SwapPss from
 * {@code /proc/PID/smaps_rollup}) of the sandbox's host processes is summed, and a sandbox over its
 * {@code mem_mib} plus {@link #ALLOWANCE_MIB} is SIGKILLed whole, as root's memory cgroup OOM ends it.
 * The reason is left in {@link #REASON_FILE} (the workspace's status) and on the console.
 *
 * <p>Processes: those whose command line names the sandbox's runsc root (sandbox/sentry and gofer),
 * plus all their descendants (the ptrace stubs, whose command line is empty: they unmap everything).
 * Pss splits each page among the processes mapping it, so the guest memory the sentry and its stubs
 * all map is counted once.
 *
 * <p>Measured (2-core host, bookworm environment, runsc ptrace, the watch selected under root with no
 * host memory cgroup; GvisorMemoryWatchTest): 512 MiB written to /dev/shm of a 256 MiB sandbox was
 * ended 1.4-2.8 s after the command began, at 383-530 MiB summed; rootless (RootlessUserTest) 2.6-3.0 s,
 * at 538 MiB. The reason reached status and exec. Polling once a second, the peak passes the limit by
 * what the guest allocates in a second (dd wrote all 512 MiB before the kill in the rootless runs).
 * Cost: one round reads {@code /proc/PID/stat} of every host process (this kernel has no
 * {@code children} file) plus a smaps_rollup per sandbox process (~0.5 ms for the sentry or gofer,
 * ~0.05 ms a stub): 5 idle sandboxes, 131-135 host processes: 11-13 ms CPU per round, ~1.2% of one
 * core (the engine as a whole 1.6-1.7% over 65 s). It grows with the host's process count: with ~1,200 host
 * processes (other users' fork loops) 42 ms.
 */
public final class GvisorMemoryWatch {

    /** Selects the watch under root too (tests): {@code -Dpyro.gvisor.memory-watch=true} or the env var. */
    public static final String PROPERTY = "pyro.gvisor.memory-watch";
    static final String ENV = "PYRO_GVISOR_MEMORY_WATCH";
    static final String REASON_FILE = "ended-reason";
    private static final long PERIOD_MILLIS = 1000;

    /**
     * What a sandbox holds beyond its guest's memory: the sentry's own heap and binary, the gofer and
     * the stubs. Measured: an idle sandbox 12-15 MiB Pss (5 host processes); busy (96 MiB in /dev/shm,
     * a 32 MiB perl string, file walks of /usr) at most 124-127 MiB. So a guest gets about its
     * mem_mib plus 80 MiB before it ends, a little more than under root's cgroup (which counts the
     * sentry and page cache inside mem_mib); the margin keeps a busy sentry's own growth from ending
     * a guest that stays under its limit.
     */
    static final long ALLOWANCE_MIB = 96;

    private record Watched(Path workDir, long memMib, Set<Long> roots) {
    }

    private static final Map<Path, Watched> WATCHED = new ConcurrentHashMap<>();
    private static ScheduledExecutorService timer;
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();
    private static long rounds;
    private static long cpuNanos;

    private GvisorMemoryWatch() {
    }

    /** Whether this engine bounds gVisor memory itself: when not host root, or when asked to. */
    static boolean enabled(boolean hostRoot) {
        String asked = System.getProperty(PROPERTY, System.getenv(ENV));
        return !hostRoot || Boolean.parseBoolean(asked);
    }

    /** Watches a started sandbox; its roots are found on the first round. */
    static synchronized void watch(Path workDir, long memMib) {
        WATCHED.put(workDir, new Watched(workDir, memMib, ConcurrentHashMap.newKeySet()));
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("pyro-gvisor-memory").factory());
            timer.scheduleWithFixedDelay(GvisorMemoryWatch::round, PERIOD_MILLIS, PERIOD_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    static boolean watched(Path workDir) {
        return WATCHED.containsKey(workDir);
    }

    static void unwatch(Path workDir) {
        WATCHED.remove(workDir);
    }

    /** Why the watch ended this sandbox, or null. */
    static String reason(Path workDir) {
        try {
            return Files.readString(workDir.resolve(REASON_FILE)).trim();
        } catch (IOException e) {
            return null;
        }
    }

    static void clearReason(Path workDir) throws IOException {
        Files.deleteIfExists(workDir.resolve(REASON_FILE));
    }

    private static void round() {
        try {
            if (WATCHED.isEmpty()) {
                return;
            }
            long cpu = THREADS.getCurrentThreadCpuTime();
            Map<Long, List<Long>> children = childrenByParent();
            for (Watched sandbox : List.copyOf(WATCHED.values())) {
                check(sandbox, children);
            }
            if (++rounds > 30) { // after the JIT's warm-up
                cpuNanos += THREADS.getCurrentThreadCpuTime() - cpu;
            }
            if (rounds == 60) {
                // Once per engine: what the watch costs here, for the engine log.
                System.err.printf("pyro: gVisor memory watch: %d sandbox(es), %d us CPU per round (%d processes)%n",
                        WATCHED.size(), cpuNanos / 30 / 1000, children.values().stream().mapToInt(List::size).sum());
            }
        } catch (RuntimeException e) {
            System.err.println("pyro: gVisor memory watch: " + e); // a throwing task would be descheduled
        }
    }

    private static void check(Watched sandbox, Map<Long, List<Long>> children) {
        sandbox.roots().removeIf(pid -> !Files.isDirectory(Path.of("/proc", Long.toString(pid))));
        if (sandbox.roots().isEmpty()) {
            sandbox.roots().addAll(mentioning(sandbox.workDir().resolve("runsc").toString(), children.keySet()));
            if (sandbox.roots().isEmpty()) {
                return;
            }
        }
        List<Long> pids = tree(sandbox.roots(), children);
        long kib = 0;
        for (long pid : pids) {
            kib += pssKib(pid);
        }
        long limitKib = (sandbox.memMib() + ALLOWANCE_MIB) << 10;
        if (kib > limitKib && WATCHED.containsKey(sandbox.workDir())) {
            String why = "ended: the sandbox used " + (kib >> 10) + " MiB of memory, over its " + sandbox.memMib()
                    + " MiB (mem_mib) + " + ALLOWANCE_MIB + " MiB for gVisor itself";
            try {
                Files.writeString(sandbox.workDir().resolve(REASON_FILE), why + "\n");
            } catch (IOException e) {
                // the kill matters more than its note
            }
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            try {
                Files.writeString(GuestSocketDir.liveConsole(sandbox.workDir()), "pyro: " + why + "\n",
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                // the console's tmpfs may be full or gone
            }
            WATCHED.remove(sandbox.workDir());
            System.err.println("pyro: gVisor sandbox " + sandbox.workDir() + " " + why);
        }
    }

    /** The proportional memory (resident and swapped) of the sandbox at {@code workDir}, in KiB. */
    public static long sandboxPssKib(Path workDir) {
        Map<Long, List<Long>> children = childrenByParent();
        long kib = 0;
        for (long pid : tree(mentioning(workDir.resolve("runsc").toString(), children.keySet()), children)) {
            kib += pssKib(pid);
        }
        return kib;
    }

    /** The host pids of the sandbox at {@code workDir}: runsc processes and their descendants. */
    public static List<Long> sandboxPids(Path workDir) {
        Map<Long, List<Long>> children = childrenByParent();
        return tree(mentioning(workDir.resolve("runsc").toString(), children.keySet()), children);
    }

    private static Set<Long> mentioning(String runscRoot, Set<Long> pids) {
        Set<Long> found = new HashSet<>();
        for (long pid : pids) {
            String cmdline = SandboxProcesses.cmdline(pid);
            if (SandboxProcesses.mentions(cmdline, "--root " + runscRoot)
                    || SandboxProcesses.mentions(cmdline, "--root=" + runscRoot)) {
                found.add(pid);
            }
        }
        return found;
    }

    private static List<Long> tree(Set<Long> roots, Map<Long, List<Long>> children) {
        List<Long> all = new ArrayList<>(roots);
        Set<Long> seen = new HashSet<>(roots);
        for (int i = 0; i < all.size(); i++) {
            for (long child : children.getOrDefault(all.get(i), List.of())) {
                if (seen.add(child)) {
                    all.add(child);
                }
            }
        }
        return all;
    }

    /** Every process's children, from {@code /proc/PID/stat} (this kernel has no {@code /proc/PID/task/TID/children}). */
    private static Map<Long, List<Long>> childrenByParent() {
        Map<Long, List<Long>> children = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path proc : procs) {
                String name = proc.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                long ppid = parent(proc);
                if (ppid >= 0) {
                    children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return children;
    }

    /** The ppid field of {@code /proc/PID/stat}, parsed from its bytes (this runs for every host process each second). */
    private static long parent(Path proc) {
        try {
            byte[] stat = Files.readAllBytes(proc.resolve("stat"));
            int at = stat.length - 1;
            while (at >= 0 && stat[at] != ')') {
                at--;
            }
            at += 4; // ") S "
            long ppid = 0;
            for (; at < stat.length && stat[at] != ' '; at++) {
                ppid = ppid * 10 + (stat[at] - '0');
            }
            return ppid;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long pssKib(long pid) {
        try {
            String rollup = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "smaps_rollup")),
                    StandardCharsets.ISO_8859_1);
            return field(rollup, "\nPss:") + field(rollup, "\nSwapPss:");
        } catch (IOException | RuntimeException e) {
            return 0; // gone meanwhile
        }
    }

    private static long field(String text, String name) {
        int at = text.indexOf(name);
        if (at < 0) {
            return 0;
        }
        long kib = 0;
        for (at += name.length(); at < text.length() && text.charAt(at) != '\n'; at++) {
            char c = text.charAt(at);
            if (c >= '0' && c <= '9') {
                kib = kib * 10 + (c - '0');
            } else if (kib > 0) {
                break;
            }
        }
        return kib;
    }
}
