package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.cache.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real CLI in child JVMs on a private state dir per test ({@code tmp/state}; the caches stay
 * shared), as a JUnit extension. After the test (and after the test's own {@code @AfterEach}),
 * it stops the engine those runs started and deletes {@code tmp}.
 *
 * <pre>{@code @RegisterExtension final IsolatedCli cli = IsolatedCli.onBackend("gvisor");}</pre>
 */
final class IsolatedCli implements BeforeEachCallback, AfterEachCallback {

    private final Map<String, String> env;
    /** This test's temp dir; the state dir is {@code tmp/state}. */
    Path tmp;
    private CliProcess process;

    private IsolatedCli(Map<String, String> env) {
        this.env = env;
    }

    /** The default backend choice (no {@code PYRO_BACKEND}). */
    static IsolatedCli withDefaults() {
        return new IsolatedCli(Map.of());
    }

    /** With {@code PYRO_BACKEND} set, as a user who picked one. */
    static IsolatedCli onBackend(String backend) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PYRO_BACKEND", backend);
        return new IsolatedCli(env);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        tmp = Files.createTempDirectory("pyro-cli-");
        process = new CliProcess().env("PYRO_STATE_DIR", state().toString());
        env.forEach(process::env);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (tmp != null) {
            try {
                EngineProcesses.stopEngine(state());
            } finally {
                FileTrees.deleteRecursively(tmp);
                tmp = null;
            }
        }
    }

    Path state() {
        return tmp.resolve("state");
    }

    CliProcess.Result run(String... args) throws IOException, InterruptedException {
        return process.run(args);
    }

    /** Runs and asserts exit 0, showing the command and its stderr when not. */
    CliProcess.Result ok(String... args) throws Exception {
        CliProcess.Result result = run(args);
        assertThat(result.exitCode()).as(String.join(" ", args) + "\n" + result.stderr()).isZero();
        return result;
    }
}
