package dev.pyro.cli.smoke;

import dev.pyro.cli.EngineProcesses;
import dev.pyro.engine.config.PyroPaths;
import dev.pyro.api.workspace.WorkspaceList;
import dev.pyro.sdk.Pyro;
import dev.pyro.mcp.McpSurface;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every smoke shares: a private state dir (so its engine and workspaces are its own) with the
 * machine's environment cache, the environment and backend to use, a {@link Pyro} client of that
 * engine, and a cleanup that deletes every workspace the smoke labelled and stops the engine.
 */
public final class SmokeContext implements AutoCloseable {

    /** Label every smoke workspace carries, so cleanup finds them. */
    public static final String SUITE_LABEL = "suite";

    private final Path workDir;
    private final String environment;
    private final String backend;
    private final PyroPaths paths;
    private final Pyro pyro;
    private final List<SmokeDriver> drivers = new ArrayList<>();

    public SmokeContext(Path workDir) throws IOException {
        this.workDir = workDir;
        this.environment = System.getProperty("pyro.smoke.environment", "debian:12");
        this.backend = System.getProperty("pyro.smoke.backend", "gvisor");
        PyroPaths shared = PyroPaths.fromEnvironment();
        this.paths = new PyroPaths(shared.cacheDir(), Files.createDirectories(workDir.resolve("state")),
                shared.environmentCacheDir());
        this.pyro = Pyro.create(paths);
    }

    public Path workDir() {
        return workDir;
    }

    public String environment() {
        return environment;
    }

    public String backend() {
        return backend;
    }

    /** The environment variables a server or CLI of this smoke needs: its state dir and backend. */
    public Map<String, String> serverEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PYRO_STATE_DIR", paths.stateDir().toString());
        env.put("PYRO_BACKEND", backend);
        return env;
    }

    /** Keeps a driver made elsewhere so {@link #close()} closes it too. */
    public <T extends SmokeDriver> T track(T driver) {
        drivers.add(driver);
        return driver;
    }

    public Pyro pyro() {
        return pyro;
    }

    /** A fresh directory under the work dir. */
    public Path dir(String name) throws IOException {
        return Files.createDirectories(workDir.resolve(name));
    }

    /**
     * A driver of {@code kind} ("mcp" or "sdk") for {@code surface}. With a project: "mcp" starts
     * {@code pyro mcp serve} inside it (bare, as a host started in the checkout does, or with
     * {@code --project-path}); "sdk" creates through {@link Pyro#createServer} with that project.
     */
    public SmokeDriver driver(String kind, McpSurface surface, Path project, boolean bareServe)
            throws IOException, InterruptedException {
        SmokeDriver driver;
        if (kind.equals("mcp")) {
            List<String> args = new ArrayList<>(List.of(surface.isMode() ? "--mode" : "--profile", surface.id()));
            if (project != null && !bareServe) {
                args.addAll(List.of("--project-path", project.toString()));
            }
            // the recipes' seeds and exports live in the smoke's work dir, as a user's would live in a
            // directory they allow: MCP clients reach no other host path
            args.addAll(List.of("--allow-host-path", workDir.toString()));
            driver = McpSessionDriver.start(workDir, project == null ? workDir : project, serverEnv(),
                    args.toArray(String[]::new));
        } else if (kind.equals("sdk")) {
            driver = new SdkDriver(pyro, surface, project, backend);
        } else {
            throw new IllegalArgumentException("driver kind must be mcp or sdk (got '" + kind + "')");
        }
        drivers.add(driver);
        return driver;
    }

    public static void log(String prefix, String message) {
        System.err.println("[" + prefix + "] " + message);
    }

    /** Deletes the workspaces labelled {@code key} (= {@code value}, or any value when null); best effort. */
    public void deleteLabelled(String key, String value) {
        WorkspaceList list = pyro.listWorkspaces();
        for (var ws : list.workspaces()) {
            String label = ws.labels() == null ? null : ws.labels().get(key);
            if (label != null && (value == null || value.equals(label))) {
                try {
                    pyro.deleteWorkspace(ws.workspaceId());
                } catch (RuntimeException e) {
                    log("smoke", "cleanup of " + ws.workspaceId() + " failed: " + e.getMessage());
                }
            }
        }
    }

    /** Deletes the smoke's workspaces (best effort), closes the drivers and stops the engine. */
    @Override
    public void close() throws Exception {
        try {
            deleteLabelled(SUITE_LABEL, null);
        } finally {
            drivers.forEach(SmokeDriver::close);
            pyro.close();
            EngineProcesses.stopEngine(paths.stateDir());
        }
    }
}
