package dev.pyro.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Builds the tiny uncompressed initramfs (cpio "newc") a VM boots from: {@code /init} (pyro-init,
 * which runs stage 1), {@code /pyro-agent}, {@code /dev/console} and empty {@code /dev},
 * {@code /proc}, {@code /newroot}. The archive is deterministic (all mtimes 0), so its SHA-256
 * identifies it.
 */
public final class Initramfs {
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFCHR = 0020000;

    private Initramfs() {}

    /** The archive bytes for the shipped binaries. */
    public static byte[] build() {
        return build(AgentBinaries.bytes(AgentBinaries.INIT), AgentBinaries.bytes(AgentBinaries.AGENT));
    }

    /** The archive bytes for the given init and agent binaries. */
    public static byte[] build(byte[] init, byte[] agent) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(init.length + agent.length + 4096);
        int ino = 1;
        entry(out, ino++, "dev", S_IFDIR | 0755, 2, 0, 0, null);
        entry(out, ino++, "dev/console", S_IFCHR | 0600, 1, 5, 1, null);
        entry(out, ino++, "proc", S_IFDIR | 0555, 2, 0, 0, null);
        entry(out, ino++, "newroot", S_IFDIR | 0755, 2, 0, 0, null);
        entry(out, ino++, "init", S_IFREG | 0755, 1, 0, 0, init);
        entry(out, ino++, "pyro-agent", S_IFREG | 0755, 1, 0, 0, agent);
        entry(out, 0, "TRAILER!!!", 0, 1, 0, 0, null);
        return out.toByteArray();
    }

    /** Writes the archive for the shipped binaries to {@code file} atomically; returns its SHA-256. */
    public static String write(Path file) throws IOException {
        byte[] b = build();
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            Files.write(tmp, b);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return AgentBinaries.sha256(b);
    }

    private static void entry(ByteArrayOutputStream out, int ino, String name, int mode, int nlink, int rdevMajor,
                              int rdevMinor, byte[] data) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        int size = data == null ? 0 : data.length;
        StringBuilder h = new StringBuilder("070701");
        for (int v : new int[] {ino, mode, 0, 0, nlink, 0, size, 0, 0, rdevMajor, rdevMinor, n.length, 0}) {
            h.append(String.format("%08x", v));
        }
        out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(n);
        pad(out);
        if (data != null) {
            out.writeBytes(data);
            pad(out);
        }
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) out.write(0);
    }
}
