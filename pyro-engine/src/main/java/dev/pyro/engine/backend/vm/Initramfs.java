package dev.pyro.engine.backend.vm;

import dev.pyro.agent.AgentBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where the VM's initramfs (init + agent, built by {@link dev.pyro.agent.Initramfs}) is cached:
 * one file per agent build, shared by all VMs. This is how the agent is injected at start instead
 * of being baked into environments.
 */
final class Initramfs {

    private Initramfs() {
    }

    /** Where this agent build's initramfs is (or will be) cached. */
    static Path file(Path cacheDir) {
        String key = AgentBinaries.sha256(AgentBinaries.AGENT).substring(0, 12) + "-"
                + AgentBinaries.sha256(AgentBinaries.INIT).substring(0, 12);
        return cacheDir.resolve("initramfs").resolve("pyro-" + key + ".cpio");
    }

    static Path ensure(Path cacheDir) throws IOException {
        Path file = file(cacheDir);
        if (Files.isRegularFile(file)) {
            return file;
        }
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".initramfs", ".tmp");
        dev.pyro.agent.Initramfs.write(tmp);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }
}
