package dev.pyro.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.backend.SandboxProcesses;
import dev.pyro.engine.cache.FileTrees;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.api.vm.VmExecResult;
import dev.pyro.sdk.Pyro;
import dev.pyro.mcp.PyroMcpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The example programs run against real sandboxes (an engine in this JVM, a private state dir). */
class ExamplesTest {

    private Path state;
    private Path work;
    private Pyro pyro;

    @BeforeEach
    void start() throws Exception {
        state = Files.createTempDirectory("pyro-examples-state-");
        work = Files.createTempDirectory("pyro-examples-");
        PyroPaths shared = PyroPaths.fromEnvironment();
        pyro = Pyro.embedded(new PyroPaths(shared.cacheDir(), state, shared.environmentCacheDir()));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            pyro.close();
        } finally {
            SandboxProcesses.killAllMentioning(state.toString());
            FileTrees.deleteRecursively(state);
            FileTrees.deleteRecursively(work);
        }
    }

    @Test
    void runOnceRunsGitInAFreshSandbox() {
        VmExecResult result = RunOnce.run(pyro, "debian:12");
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).startsWith("git version ");
        assertThat(result.executionMode()).startsWith("guest_");
    }

    @Test
    void workspaceLoopFixesChecksAndCleansUp() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String exported = WorkspaceLoop.run(pyro, "debian:12", work, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(exported).isEqualTo("fixed\n");
        assertThat(out).contains("before the fix: exit 1").contains("after the fix:  exit 0, ok")
                .contains("+fixed").contains("commands run: 0");
        assertThat(pyro.listWorkspaces().count()).as("the example deletes its workspace").isZero();
    }

    @Test
    void embeddedServerHasTheReproFixTools() {
        PyroMcpServer server = EmbeddedMcpServer.server(pyro);
        assertThat(server.tools()).hasSize(16);
        assertThat(server.surface().id()).isEqualTo("repro-fix");
    }
}
