package dev.pyro.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Stops an engine a test's CLI runs may have started in that test's state dir. */
public final class EngineProcesses {

    private EngineProcesses() {
    }

    public static void stopEngine(Path stateDir) throws Exception {
        Path pidFile = stateDir.resolve("engine.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid).ifPresent(engine -> {
            engine.destroy();
            try {
                engine.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                engine.destroyForcibly();
            }
        });
    }
}
