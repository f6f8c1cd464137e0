package dev.pyro.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The guest binaries built from src/main/c and shipped as classpath resources under
 * {@value #RESOURCE_DIR}: {@code pyro-agent} (the guest agent) and {@code pyro-init} (PID 1).
 *
 * <p>{@link #extract(Path)} copies both into a directory, executable. Copies are checked by
 * SHA-256: a stale or damaged copy is replaced atomically (temp file + rename), an identical one
 * is left alone, so concurrent extractions into the same directory are safe.
 */
public final class AgentBinaries {
    /** Platform of the shipped binaries. */
    public static final String PLATFORM = "linux-x86_64";
    /** Classpath directory of the binaries. */
    public static final String RESOURCE_DIR = "dev/pyro/agent/" + PLATFORM + "/";
    public static final String AGENT = "pyro-agent";
    public static final String INIT = "pyro-init";

    /** One extracted binary. */
    public record Binary(String name, Path path, String sha256) {}

    /** Both binaries. */
    public record Extracted(Binary agent, Binary init) {}

    private record Resource(byte[] bytes, String sha256) {}

    private static final Map<String, Resource> CACHE = new ConcurrentHashMap<>();

    private AgentBinaries() {}

    /** Whether this jar carries the binaries (false if the build skipped the native part). */
    public static boolean available() {
        ClassLoader cl = AgentBinaries.class.getClassLoader();
        return cl.getResource(RESOURCE_DIR + AGENT) != null && cl.getResource(RESOURCE_DIR + INIT) != null;
    }

    /** SHA-256 (hex) of a shipped binary ({@link #AGENT} or {@link #INIT}). */
    public static String sha256(String name) {
        return resource(name).sha256();
    }

    /** The bytes of a shipped binary. */
    public static byte[] bytes(String name) {
        return resource(name).bytes().clone();
    }

    /** Extracts both binaries into {@code dir} (created if missing) and returns their paths. */
    public static Extracted extract(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new Extracted(extractOne(AGENT, dir), extractOne(INIT, dir));
    }

    private static Binary extractOne(String name, Path dir) throws IOException {
        Resource r;
        try {
            r = resource(name);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        Path target = dir.resolve(name);
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.isExecutable(target)
                && Files.size(target) == r.bytes().length && r.sha256().equals(sha256(Files.readAllBytes(target)))) {
            return new Binary(name, target, r.sha256());
        }
        Path tmp = Files.createTempFile(dir, "." + name + ".", ".tmp");
        try {
            Files.write(tmp, r.bytes());
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new Binary(name, target, r.sha256());
    }

    private static Resource resource(String name) {
        if (!AGENT.equals(name) && !INIT.equals(name)) throw new IllegalArgumentException("unknown binary " + name);
        return CACHE.computeIfAbsent(name, n -> {
            try (InputStream in = AgentBinaries.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + n)) {
                if (in == null) {
                    throw new UncheckedIOException(new IOException("the " + n + " binary for " + PLATFORM
                            + " is not in this build (was the native build skipped?)"));
                }
                byte[] b = in.readAllBytes();
                return new Resource(b, sha256(b));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
