package dev.pyro.engine.server;

import dev.pyro.engine.PyroException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Where the engine of one state dir keeps its socket, lock, pid and log. The state dir is owner-only:
 * the socket in it is the engine's only access control, and every client of this user can reach it.
 */
public record EngineFiles(Path stateDir) {

    /** {@code sun_path} holds 108 bytes including the terminating NUL. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;
    static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    public Path socket() {
        return stateDir.resolve("engine.sock");
    }

    public Path lock() {
        return stateDir.resolve("engine.lock");
    }

    public Path pid() {
        return stateDir.resolve("engine.pid");
    }

    public Path log() {
        return stateDir.resolve("engine.log");
    }

    /** Creates the state dir if needed and makes it owner-only (also when an older pyro made it 0755). */
    public void prepareStateDir() {
        try {
            Files.createDirectories(stateDir);
            Files.setPosixFilePermissions(stateDir, OWNER_DIR);
        } catch (IOException e) {
            throw PyroException.runtime("cannot prepare the state dir " + stateDir + ": " + e.getMessage(), e);
        }
    }

    public void checkSocketPath() {
        if (socket().toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw PyroException.invalid("the state dir path is too long for the engine's Unix socket ("
                    + socket() + "); set PYRO_STATE_DIR to a shorter path");
        }
    }

    /** Creates (or keeps) a file readable by its owner only. */
    static void ownerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        } catch (FileAlreadyExistsException e) {
            // made by an earlier or a racing engine or client: tighten it all the same
        }
        Files.setPosixFilePermissions(file, OWNER_FILE);
    }

    /** The pid in {@code engine.pid}, or 0 when there is none. */
    long readPid() {
        try {
            String text = Files.readString(pid()).trim();
            return text.isEmpty() ? 0 : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
