package dev.pyro.engine.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on one cache entry, held across processes (an OS file lock) and across threads
 * of this JVM (the OS lock alone does not exclude threads of the same process). Two pulls of the
 * same environment serialize on it: the second waits, then finds the first one's install. A thread
 * that already holds it may take it again (nested holds share the outer file lock).
 *
 * <p>The in-process lock is keyed by the lock file itself (its device and inode), not by the path
 * used to reach it: the same file reached through a symlinked directory is the same lock. Only the
 * thread holding that in-process lock ever opens a channel on the file, so this process never has
 * two channels on one lock file. That matters twice over: the JVM refuses a second lock on a file
 * it already locks ({@code OverlappingFileLockException}), and closing any channel on a file drops
 * every POSIX lock this process holds on it, which would let another process in mid-build.
 */
public final class CacheLock implements AutoCloseable {

    private static final ConcurrentHashMap<Object, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private CacheLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /** Blocks until the lock file is ours. The file itself is left in place (it is tiny). */
    public static CacheLock acquire(Path lockFile) throws IOException {
        Path file = lockFile.toAbsolutePath();
        ReentrantLock threadLock = threadLockFor(file);
        threadLock.lock();
        if (threadLock.getHoldCount() > 1) {
            return new CacheLock(threadLock, null, null); // this thread already holds the file lock
        }
        try {
            FileChannel channel = open(file);
            try {
                return new CacheLock(threadLock, channel, channel.lock());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            threadLock.unlock();
            throw e;
        }
    }

    /** The lock if nobody holds it now, else empty (without waiting). */
    public static Optional<CacheLock> tryAcquire(Path lockFile) throws IOException {
        Path file = lockFile.toAbsolutePath();
        ReentrantLock threadLock = threadLockFor(file);
        if (!threadLock.tryLock()) {
            return Optional.empty();
        }
        if (threadLock.getHoldCount() > 1) {
            return Optional.of(new CacheLock(threadLock, null, null));
        }
        try {
            FileChannel channel = open(file);
            FileLock fileLock;
            try {
                fileLock = channel.tryLock();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            if (fileLock == null) {
                // Another process holds it. Closing is safe: no thread here holds a lock on this file.
                channel.close();
                threadLock.unlock();
                return Optional.empty();
            }
            return Optional.of(new CacheLock(threadLock, channel, fileLock));
        } catch (IOException | RuntimeException e) {
            threadLock.unlock();
            throw e;
        }
    }

    /**
     * The in-process lock of the file at {@code file}, which is created if missing (without opening
     * a channel: an {@code O_EXCL} create that finds the file touches no descriptor of it).
     */
    private static ReentrantLock threadLockFor(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            // the usual case
        }
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new FileSystemException(file.toString(), null, "the lock file is not a regular file");
        }
        Object key = attributes.fileKey() != null ? attributes.fileKey() : file.toRealPath().toString();
        return IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
    }

    private static FileChannel open(Path file) throws IOException {
        // NOFOLLOW: the file was checked above to be a regular file; a symlink swapped in since fails.
        return FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void close() throws IOException {
        try {
            if (fileLock != null) { // null when nested in this thread's outer hold
                try {
                    fileLock.release();
                } finally {
                    channel.close();
                }
            }
        } finally {
            threadLock.unlock();
        }
    }
}
