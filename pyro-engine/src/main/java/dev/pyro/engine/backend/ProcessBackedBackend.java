package dev.pyro.engine.backend;

import dev.pyro.engine.cache.FileTrees;
import java.io.IOException;

/**
 * A backend whose sandbox is one host process recorded by pid (QEMU, the host agent): alive while
 * that process is, stopped by TERM then KILL, deleted with its work dir.
 */
public abstract class ProcessBackedBackend implements SandboxBackend {

    @Override
    public boolean isRunning(SandboxRecord sandbox) {
        return SandboxProcesses.isAlive(sandbox.pid(), sandbox.workDir());
    }

    @Override
    public SandboxRecord stop(SandboxRecord sandbox) throws InterruptedException {
        SandboxProcesses.terminate(sandbox.pid(), sandbox.workDir());
        return sandbox.withPid(0);
    }

    @Override
    public void delete(SandboxRecord sandbox) throws IOException, InterruptedException {
        stop(sandbox);
        FileTrees.deleteRecursively(sandbox.workDir());
    }
}
