package dev.pyro.engine.server;

import dev.pyro.engine.config.PyroPaths;
import dev.pyro.api.engine.EngineInfo;
import dev.pyro.engine.vms.VmManager;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The engine of one state dir: holds {@code engine.lock} for its lifetime, writes {@code engine.pid},
 * serves clients on {@code engine.sock} (one thread per request), reaps expired VMs every 10 s, and
 * stops after a quiet period with no VMs and no clients, or when its socket file disappears.
 * Sandboxes outlive it; the next engine adopts them from their records (see {@link VmManager}).
 */
public final class EngineServer implements AutoCloseable {

    /** How long a starting engine waits for the lock of one that is stopping. */
    private static final Duration LOCK_WAIT = Duration.ofSeconds(5);
    private static final long TICK_MILLIS = 1_000;
    private static final long REAP_MILLIS = 10_000;
    /** How long a shutdown waits for requests in flight before it abandons them. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private final EngineFiles files;
    private final EngineSettings settings;
    private final EngineLog log;
    private final EngineLock lock;
    private final VmManager vms;
    private final EngineServices services;
    private final ServerSocketChannel server;
    private final Object socketKey;
    private final EngineDispatcher dispatcher;
    private final double startedAt = System.currentTimeMillis() / 1000.0;
    private final ExecutorService requests = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().daemon().name("pyro-engine-request-", 0).factory());
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("pyro-engine-timer").factory());
    private final Set<EngineConnection> active = ConcurrentHashMap.newKeySet();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private long lastBusy = System.nanoTime(); // guarded by this
    private boolean closing; // guarded by this: no new requests
    private boolean stopping; // guarded by this

    private EngineServer(EngineFiles files, EngineSettings settings, EngineLog log, EngineLock lock,
                         ServerSocketChannel server, Object socketKey, PyroPaths paths) {
        this.files = files;
        this.settings = settings;
        this.log = log;
        this.lock = lock;
        this.services = new EngineServices(paths, settings, log, this::info, () -> stopInBackground(DRAIN_TIMEOUT));
        this.vms = services.vms();
        this.server = server;
        this.socketKey = socketKey;
        this.dispatcher = services.dispatcher();
    }

    /** Starts serving, or returns empty when another engine holds this state dir's lock. */
    public static Optional<EngineServer> start(PyroPaths paths, EngineSettings settings, EngineLog log)
            throws IOException, InterruptedException {
        EngineFiles files = new EngineFiles(paths.stateDir());
        files.checkSocketPath();
        files.prepareStateDir();
        EngineFiles.checkCacheDirs(paths);
        Optional<EngineLock> lock = acquireLock(files, log);
        if (lock.isEmpty()) {
            return Optional.empty();
        }
        try {
            // The pid first: a client that finds this pid alive waits for the socket instead of
            // starting another engine.
            writePid(files);
            ServerSocketChannel server = bind(files.socket());
            Object key = fileKey(files.socket());
            EngineServer engine = new EngineServer(files, settings, log, lock.get(), server, key, paths);
            engine.begin();
            log.info("engine pid " + ProcessHandle.current().pid() + " serving " + files.socket() + " (build "
                    + EngineBuild.current() + ", idle timeout " + settings.idleTimeout().toSeconds() + " s, "
                    + engine.vms.activeCount() + " vm(s) adopted)");
            return Optional.of(engine);
        } catch (IOException | RuntimeException e) {
            lock.get().close();
            throw e;
        }
    }

    private static Optional<EngineLock> acquireLock(EngineFiles files, EngineLog log)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
        while (true) {
            Optional<EngineLock> lock = EngineLock.tryAcquire(files.lock());
            if (lock.isPresent()) {
                return lock;
            }
            if (EngineSocket.answers(files.socket())) {
                log.info("another engine already serves " + files.socket() + "; exiting");
                return Optional.empty();
            }
            if (System.nanoTime() > deadline) {
                log.info(files.lock() + " is held by another process that does not serve " + files.socket()
                        + " (an embedded Pyro, or a stuck engine); exiting");
                return Optional.empty();
            }
            Thread.sleep(50);
        }
    }

    private static void writePid(EngineFiles files) throws IOException {
        Path tmp = files.pid().resolveSibling("engine.pid.tmp");
        EngineFiles.ownerOnly(tmp);
        Files.writeString(tmp, ProcessHandle.current().pid() + "\n");
        Files.move(tmp, files.pid(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static ServerSocketChannel bind(Path socket) throws IOException {
        // Left by an engine that was killed; we hold the lock, so no live engine listens on it.
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket), 64);
            Files.setPosixFilePermissions(socket, EngineFiles.OWNER_FILE);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private void begin() {
        Thread.ofPlatform().daemon().name("pyro-engine-accept").start(this::acceptLoop);
        timers.scheduleWithFixedDelay(() -> guarded("idle check", this::tick), TICK_MILLIS, TICK_MILLIS,
                TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(() -> guarded("reaper", this::reap), REAP_MILLIS, REAP_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    private void acceptLoop() {
        while (true) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
                log.error("accept failed", e);
                continue;
            }
            EngineConnection connection = new EngineConnection(client, dispatcher, log);
            synchronized (this) {
                if (closing) {
                    // Closed before "accepted": the client knows it may retry.
                    connection.abandon();
                    continue;
                }
                active.add(connection);
            }
            requests.execute(() -> {
                try {
                    connection.serve();
                } finally {
                    synchronized (this) {
                        active.remove(connection);
                        lastBusy = System.nanoTime();
                    }
                }
            });
        }
    }

    private void tick() {
        if (!Objects.equals(socketKey, fileKey(files.socket()))) {
            // Nobody can reach us any more (the state dir was deleted, as tests do): do not linger.
            log.info(files.socket() + " is gone or replaced; stopping");
            stopInBackground(Duration.ZERO);
            return;
        }
        boolean idle;
        synchronized (this) {
            if (!active.isEmpty() || vms.activeCount() > 0 || services.workspaces().count() > 0) {
                lastBusy = System.nanoTime();
            }
            idle = !closing && System.nanoTime() - lastBusy >= settings.idleTimeout().toNanos();
            if (idle) {
                closing = true; // decided under the lock the accept loop takes: no request slips in
            }
        }
        if (idle) {
            log.info("idle for " + settings.idleTimeout().toSeconds() + " s with no VMs and no clients; stopping");
            stopInBackground(Duration.ZERO);
        }
    }

    private void reap() {
        int reaped = vms.reapExpired().count() + services.workspaces().reapExpired().size();
        if (reaped > 0) {
            log.info("reaped " + reaped + " expired vm(s)");
        }
    }

    private void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error(what + " failed", e); // a throwing task would be silently descheduled
        }
    }

    EngineInfo info() {
        return new EngineInfo(ProcessHandle.current().pid(), EngineProtocol.VERSION, EngineBuild.current(),
                files.stateDir().toString(), startedAt, vms.activeCount(), active.size());
    }

    /** Off the calling thread: a request must still write its answer, a timer must not stop its own pool. */
    private void stopInBackground(Duration drain) {
        Thread.ofPlatform().name("pyro-engine-stop").start(() -> stop(drain));
    }

    /**
     * Stops taking requests, lets those in flight finish for up to {@code drain}, abandons the rest
     * (deleting the VMs of their runs), then gives up the socket, pid file and lock. Sandboxes that
     * are not part of a request keep running for the next engine to adopt.
     */
    void stop(Duration drain) {
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
            closing = true;
        }
        try {
            server.close();
        } catch (IOException e) {
            log.error("closing the socket failed", e);
        }
        deleteIfOurs(files.socket(), Objects.equals(socketKey, fileKey(files.socket())));
        long deadline = System.nanoTime() + drain.toNanos();
        while (!active.isEmpty() && System.nanoTime() < deadline) {
            sleep(20);
        }
        List<EngineConnection> left = List.copyOf(active);
        if (!left.isEmpty()) {
            log.info("abandoning " + left.size() + " request(s) still in flight");
            left.forEach(EngineConnection::abandon);
        }
        timers.shutdown();
        services.close();
        deleteIfOurs(files.pid(), files.readPid() == ProcessHandle.current().pid());
        lock.close();
        log.info("stopped");
        terminated.countDown();
    }

    private void deleteIfOurs(Path file, boolean ours) {
        try {
            if (ours) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            log.error("cannot delete " + file, e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    public long pid() {
        return ProcessHandle.current().pid();
    }

    /** Stops at once (in-process use): requests in flight are abandoned. */
    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
