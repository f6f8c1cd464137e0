package dev.pyro.engine.backend.host;

import dev.pyro.api.state.ExecutionMode;
import dev.pyro.api.state.BackendName;
import dev.pyro.agent.AgentBinaries;
import dev.pyro.engine.backend.ProcessBackedBackend;
import dev.pyro.engine.backend.SandboxProcesses;
import dev.pyro.engine.backend.SandboxRecord;
import dev.pyro.engine.backend.SandboxRequest;
import dev.pyro.api.PyroPaths;
import dev.pyro.api.PyroException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code host} backend: NO isolation. The same agent runs directly on the host in the sandbox's
 * work dir with only PATH and HOME set, so commands behave as in a guest but can touch the host.
 * Used only when the caller opts in with {@code allow_host_compat}; every result says
 * {@code execution_mode=host_compat}.
 */
public final class HostBackend extends ProcessBackedBackend {

    private final PyroPaths paths;

    public HostBackend(PyroPaths paths) {
        this.paths = paths;
    }

    @Override
    public String name() {
        return BackendName.HOST.value();
    }

    @Override
    public String executionMode() {
        return ExecutionMode.HOST_COMPAT.value();
    }

    @Override
    public SandboxRecord create(SandboxRequest request) throws IOException {
        Path work = request.workDir();
        Files.createDirectories(work.resolve("home"));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("host_dir", work.resolve("home").toString());
        metadata.put("network_enabled", "true"); // the host's own network: nothing is restricted
        metadata.put("isolation", "none");
        return new SandboxRecord(request.id(), name(), executionMode(), work, work.resolve("agent.sock"), 0, metadata);
    }

    @Override
    public SandboxRecord start(SandboxRecord sandbox, Duration readyTimeout) throws IOException, InterruptedException {
        Path agent = AgentBinaries.extract(paths.cacheDir().resolve("agent")
                .resolve(AgentBinaries.sha256(AgentBinaries.AGENT).substring(0, 16))).agent().path();
        Files.deleteIfExists(sandbox.agentSocket());
        ProcessBuilder builder = new ProcessBuilder("setsid", agent.toString(), "--listen",
                sandbox.agentSocket().toString())
                .directory(Path.of(sandbox.metadata().get("host_dir")).toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(sandbox.workDir().resolve("agent.log").toFile()));
        Map<String, String> env = builder.environment();
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.clear();
        env.put("PATH", path);
        env.put("HOME", sandbox.metadata().get("host_dir"));
        Process process = builder.start();
        process.getOutputStream().close();
        SandboxRecord started = sandbox.withPid(process.pid());
        if (SandboxProcesses.awaitSocket(sandbox.agentSocket(), readyTimeout, process::isAlive)) {
            return started;
        }
        SandboxProcesses.terminate(process.pid(), sandbox.workDir());
        throw PyroException.runtime("the host agent did not start; see " + sandbox.workDir().resolve("agent.log"), null);
    }
}
