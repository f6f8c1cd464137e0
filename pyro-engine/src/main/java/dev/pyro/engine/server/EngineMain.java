package dev.pyro.engine.server;

import dev.pyro.api.PyroPaths;
import java.util.Optional;

/**
 * The engine daemon: {@code java -cp pyro.jar dev.pyro.engine.server.EngineMain}, started by the
 * first client that finds none ({@link EngineLauncher}); paths and settings come from its environment.
 * Everything it prints goes to {@code <state>/engine.log}.
 */
public final class EngineMain {

    private EngineMain() {
    }

    public static void main(String[] args) {
        PyroPaths paths = PyroPaths.fromEnvironment();
        EngineFiles files = new EngineFiles(paths.stateDir());
        int status = 0;
        try {
            files.prepareStateDir();
            EngineLog log = EngineLog.open(files.log());
            System.setOut(log.stream()); // stdout is never the engine's
            System.setErr(log.stream());
            try {
                Optional<EngineServer> server = EngineServer.start(paths, EngineSettings.fromEnvironment(), log);
                if (server.isPresent()) {
                    // SIGTERM: runs in flight lose their VMs as on a client's Ctrl-C; other sandboxes stay.
                    Runtime.getRuntime().addShutdownHook(new Thread(server.get()::close, "pyro-engine-sigterm"));
                    server.get().awaitTermination();
                }
            } catch (Throwable e) {
                log.error("engine failed", e);
                status = 1;
            }
        } catch (Throwable e) {
            e.printStackTrace(); // no log file: the launcher's redirect of stderr is all there is
            status = 1;
        }
        // Agent connections and process reapers may hold threads that would keep the JVM alive.
        System.exit(status);
    }
}
