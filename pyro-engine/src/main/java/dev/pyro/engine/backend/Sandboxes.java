package dev.pyro.engine.backend;

import dev.pyro.engine.backend.vm.Accelerator;
import dev.pyro.api.state.BackendName;
import dev.pyro.engine.backend.gvisor.GvisorBackend;
import dev.pyro.engine.backend.host.HostBackend;
import dev.pyro.engine.backend.vm.QemuBackend;
import dev.pyro.api.PyroPaths;
import dev.pyro.api.Progress;
import dev.pyro.protocol.AgentConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

/** What VMs and workspaces both need of a recorded sandbox: its backend, and a connection to its agent. */
public final class Sandboxes {

    /** pyro-init restarts a dead agent with a backoff that stays under ~6 s. */
    private static final Duration AGENT_RESTART_WAIT = Duration.ofSeconds(15);

    private final PyroPaths paths;

    public Sandboxes(PyroPaths paths) {
        this.paths = paths;
    }

    /** The backend that created {@code sandbox} (a recorded sandbox keeps its backend for life). */
    public SandboxBackend backendOf(SandboxRecord sandbox) {
        BackendName name = BackendName.of(sandbox.backend())
                .orElseThrow(() -> new IllegalStateException("unknown backend " + sandbox.backend()));
        return switch (name) {
            case VM -> new QemuBackend(paths, Accelerator.KVM.is(sandbox.metadata().get("accelerator")), Progress.NONE);
            case GVISOR -> new GvisorBackend(paths);
            case HOST -> new HostBackend(paths);
        };
    }

    /**
     * Connects and says hello. On gVisor the guest can write the socket's directory: the agent
     * binds over a stale socket, not over anything else, so when the dial fails with the sandbox
     * running and something other than a socket (or nothing) is there, that entry is removed and
     * the new agent's socket awaited (never dialed through a link: {@link AgentSockets}). A VM paused on a full
     * disk is resumed if there is room again (see {@link SandboxStall}), else named as the cause.
     */
    public AgentConnection connect(SandboxRecord sandbox) {
        java.util.Optional<AgentConnection> waiting = AgentHandoff.take(sandbox.agentSocket());
        if (waiting.isPresent()) {
            return waiting.get(); // opened by the backend while it restored the guest
        }
        if (BackendName.VM.is(sandbox.backend())) {
            switch (backendOf(sandbox).resumeIfStalled(sandbox)) {
                case DISK_FULL -> throw pausedOnFullDisk(sandbox); // a paused guest would not answer hello
                case RESUMED -> {
                    return connectAfterResume(sandbox);
                }
                case NONE -> {
                    // running: the usual hello below
                }
            }
        }
        try {
            return connectOnce(sandbox);
        } catch (RuntimeException first) {
            if (!BackendName.GVISOR.is(sandbox.backend()) || !backendOf(sandbox).isRunning(sandbox)
                    || AgentSockets.isSocket(sandbox.agentSocket())) {
                throw first; // a socket there: AgentSockets already dialed each agent that bound it
            }
            try {
                // Something the guest planted where the socket goes (the agent binds over sockets only).
                Files.deleteIfExists(sandbox.agentSocket());
                long deadline = System.nanoTime() + AGENT_RESTART_WAIT.toNanos();
                while (!AgentSockets.isSocket(sandbox.agentSocket()) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            } catch (IOException e) {
                throw first;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw first;
            }
            if (!AgentSockets.isSocket(sandbox.agentSocket())) {
                throw first;
            }
            return connectOnce(sandbox);
        }
    }

    /** The error for a sandbox that {@link SandboxBackend#resumeIfStalled} found still paused. */
    public static dev.pyro.api.PyroException pausedOnFullDisk(SandboxRecord sandbox) {
        long freeMib;
        try {
            freeMib = Files.getFileStore(sandbox.workDir()).getUsableSpace() >> 20;
        } catch (IOException e) {
            freeMib = 0;
        }
        return dev.pyro.api.PyroException.runtime("the sandbox is paused: its disk overlay in " + sandbox.workDir()
                + " could not grow (" + freeMib + " MiB free on that filesystem); free space there and retry, "
                + "the guest then goes on where it stopped", null);
    }

    /**
     * A host that hung up while the guest was paused can leave the guest's view of the port
     * stale: the agent sees the old hang-up late and may miss the new connection. A fresh dial
     * brings a fresh "host connected" event, so this dials a few times with short hellos.
     */
    private static AgentConnection connectAfterResume(SandboxRecord sandbox) {
        RuntimeException last = null;
        for (int dial = 0; dial < 6; dial++) {
            try {
                return AgentConnection.connectUnix(sandbox.agentSocket(), Duration.ofSeconds(10),
                        AgentConnection.Options.forSerial().withHello(Duration.ofSeconds(2), 3, true)
                                .withClientName("pyro-engine"));
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }

    private static AgentConnection connectOnce(SandboxRecord sandbox) {
        AgentConnection.Options options = BackendName.VM.is(sandbox.backend())
                ? AgentConnection.Options.forSerial().withHello(Duration.ofSeconds(2), 30, true)
                : AgentConnection.Options.defaults();
        if (BackendName.GVISOR.is(sandbox.backend())) {
            // the guest can write the socket's dir: never dial a path it may have swapped for a symlink
            return AgentSockets.connect(sandbox.agentSocket(), Duration.ofSeconds(10),
                    options.withClientName("pyro-engine"));
        }
        return AgentConnection.connectUnix(sandbox.agentSocket(), Duration.ofSeconds(10),
                options.withClientName("pyro-engine"));
    }

    /** Where commands run by default: {@code /workspace} in a guest, the sandbox's own dir on the host. */
    public static String workspaceDir(SandboxRecord sandbox) {
        return BackendName.HOST.is(sandbox.backend()) ? sandbox.metadata().get("host_dir") : "/workspace";
    }
}
