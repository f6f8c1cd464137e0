package dev.pyro.engine.backend;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Host processes that hold sandboxes (QEMU, runsc, a host agent): finding, checking and stopping them. */
public final class SandboxProcesses {

    private static final long GRACE_MILLIS = 5_000;

    private SandboxProcesses() {
    }

    /** Alive, and still ours: its command line mentions the sandbox's work dir (pids get reused). */
    public static boolean isAlive(long pid, Path workDir) {
        if (pid <= 0) {
            return false;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !running(handle.get())) {
            return false;
        }
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
            return cmdline.contains(workDir.toString());
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGTERM, up to 5 s to exit, then SIGKILL. */
    public static void terminate(long pid, Path workDir) throws InterruptedException {
        if (!isAlive(pid, workDir)) {
            return;
        }
        ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
        if (handle == null) {
            return;
        }
        handle.destroy();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
        while (running(handle) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (running(handle)) {
            handle.destroyForcibly();
            long killDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (running(handle) && System.nanoTime() < killDeadline) {
                Thread.sleep(10);
            }
        }
    }

    /**
     * SIGKILLs every process whose command line names {@code marker} (a sandbox's private dir) and
     * waits until they are gone. Used where a runtime's own teardown is slow (runsc delete: ~1 s).
     */
    public static void killAllMentioning(String marker) throws InterruptedException {
        List<ProcessHandle> victims = ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> mentions(cmdline(p.pid()), marker))
                .toList();
        victims.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle victim : victims) {
            while (running(victim) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
    }

    /**
     * Whether {@code cmdline} names the path {@code marker} or something under it: the marker must
     * end where a path component ends, so {@code /s/workspaces/ab} does not match {@code /s/workspaces/abc}.
     * A marker whose path (after an option prefix like {@code --root=}) is not a normalized absolute
     * path of at least two components (such as {@code /} or {@code /tmp/../}) matches nothing: it
     * would name far more than one sandbox.
     */
    public static boolean mentions(String cmdline, String marker) {
        int slash = marker == null ? -1 : marker.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String path = marker.substring(slash); // after an option prefix such as "--root="
        Path normal = Path.of(path).normalize();
        if (path.endsWith("/") || normal.getNameCount() < 2 || !normal.toString().equals(path)) {
            return false;
        }
        for (int at = cmdline.indexOf(marker); at >= 0; at = cmdline.indexOf(marker, at + 1)) {
            int end = at + marker.length();
            if (end == cmdline.length() || "/ ,:".indexOf(cmdline.charAt(end)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Alive and not a zombie: a killed process whose parent has not reaped it yet is gone for us. */
    private static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A process's command line with its NULs as spaces; empty when it is gone or unreadable. */
    public static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * Waits until a Unix socket accepts a connection, giving up early when {@code alive} says the
     * process that should open it is gone. True when it accepted within {@code timeout}.
     */
    public static boolean awaitSocket(Path socket, Duration timeout, java.util.function.BooleanSupplier alive)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && alive.getAsBoolean()) {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(socket));
                return true;
            } catch (IOException e) {
                Thread.sleep(10);
            }
        }
        return false;
    }

    /** A pid file's number, or 0 when it is missing or empty. */
    public static long readPidFile(Path pidFile) {
        try {
            String text = Files.readString(pidFile).trim();
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
