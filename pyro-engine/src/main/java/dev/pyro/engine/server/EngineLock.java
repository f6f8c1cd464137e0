package dev.pyro.engine.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code <state>/engine.lock}: one engine per state dir. Held for the engine's whole life; the kernel
 * releases it when the process dies, also on kill -9, so a stale lock never blocks a new engine.
 */
public final class EngineLock implements AutoCloseable {

    /**
     * Locks this JVM holds. POSIX drops all of a process's locks on a file when any descriptor of it
     * is closed, so a second attempt in the same JVM must not even open the file.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private EngineLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or empty when another engine (process or embedded) holds it. */
    public static Optional<EngineLock> tryAcquire(Path file) throws IOException {
        EngineFiles.ownerOnly(file);
        Path key = file.toRealPath();
        if (!HELD.add(key)) {
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(key, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return Optional.of(new EngineLock(key, channel, lock));
            }
            channel.close();
            HELD.remove(key);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            // OverlappingFileLockException cannot happen: HELD keys by real path.
            if (channel != null) {
                channel.close();
            }
            HELD.remove(key);
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the channel is gone either way; the kernel drops the lock with it
        } finally {
            HELD.remove(file);
        }
    }
}
