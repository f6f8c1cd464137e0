package dev.pyro.engine.backend.vm;

import dev.pyro.agent.AgentBinaries;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * The tiny initramfs every VM boots with: {@code /init} (pyro-init) and {@code /pyro-agent}. This is
 * how the agent is injected at start instead of being baked into environments: init mounts the
 * environment's disk, copies both binaries to {@code /run/pyro} there, and switches root.
 * One file per agent build, shared by all VMs.
 */
final class Initramfs {

    private Initramfs() {
    }

    static Path ensure(Path cacheDir) throws IOException {
        String key = AgentBinaries.sha256(AgentBinaries.AGENT).substring(0, 12) + "-"
                + AgentBinaries.sha256(AgentBinaries.INIT).substring(0, 12);
        Path file = cacheDir.resolve("initramfs").resolve("pyro-" + key + ".cpio");
        if (Files.isRegularFile(file)) {
            return file;
        }
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".initramfs", ".tmp");
        try (OutputStream raw = Files.newOutputStream(tmp);
             CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(raw, CpioConstants.FORMAT_NEW)) {
            add(cpio, "init", AgentBinaries.bytes(AgentBinaries.INIT));
            add(cpio, "pyro-agent", AgentBinaries.bytes(AgentBinaries.AGENT));
            cpio.finish();
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    private static void add(CpioArchiveOutputStream cpio, String name, byte[] content) throws IOException {
        CpioArchiveEntry entry = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, content.length);
        entry.setMode(CpioConstants.C_ISREG | 0755);
        entry.setNumberOfLinks(1);
        cpio.putArchiveEntry(entry);
        cpio.write(content);
        cpio.closeArchiveEntry();
    }
}
