package dev.pyro.engine.server;

import dev.pyro.api.PyroException;
import dev.pyro.engine.cache.CacheLock;
import dev.pyro.engine.host.HostTools;
import dev.pyro.engine.host.UserNamespace;
import dev.pyro.protocol.ErrorText;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The user namespace an ordinary user's engine runs in, kept by a tiny process of its own (a
 * sleeping {@code sh}, like podman's pause process) so it outlives any one engine: the mounts a
 * sandbox needs (its overlay root, socket tmpfs, agent bind) live in that namespace's mount table.
 * An engine killed with {@code kill -9} takes nothing with it; the next engine joins the same
 * namespace ({@code nsenter}) and finds every running sandbox's mounts and agent socket, so it
 * re-adopts and deletes them as root's engine does. A namespace made per engine would vanish from
 * the next engine's view with its mounts (the sockets of running sandboxes unreachable).
 * The keeper costs a sleeping shell and its sleep (~3.5 MB RSS measured) and stays after the engine
 * exits idle, so the next engine finds its namespace (and any sandbox still running in it).
 */
final class EngineNamespace {

    static final String LABEL = "pyro-userns";
    private static final String FILE = "userns.pid";

    private final Path stateDir;

    EngineNamespace(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** {@code nsenter ... --}: the words that run a program in this state dir's namespace, made if needed. */
    List<String> enterPrefix() {
        long keeper;
        // Two clients starting engines at once must join one namespace: a second keeper would split
        // the sandboxes' mounts between two, and the next engine would see only one of them.
        try (CacheLock lock = CacheLock.acquire(stateDir.resolve(FILE + ".lock"))) {
            keeper = liveKeeper();
            if (keeper == 0) {
                keeper = startKeeper();
            }
        } catch (IOException e) {
            throw PyroException.runtime("cannot lock " + stateDir.resolve(FILE + ".lock") + ": " + ErrorText.of(e), e);
        }
        String nsenter = HostTools.which("nsenter").map(Path::toString).orElseThrow(() -> PyroException.runtime(
                "nsenter is not installed (Debian package util-linux); run: sudo scripts/host-setup.sh", null));
        // Without --preserve-credentials nsenter becomes uid 0 of the namespace (the user), as unshare did.
        return List.of(nsenter, "--target", Long.toString(keeper), "--user", "--mount", "--");
    }

    private Path pidFile() {
        return stateDir.resolve(FILE);
    }

    /** The keeper in the pid file if it runs and is this state dir's (pids get reused). */
    long liveKeeper() {
        try {
            long pid = Long.parseLong(Files.readString(pidFile()).trim());
            List<String> args = List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"))
                    .split("\0"));
            boolean ours = args.contains(LABEL) && args.contains(stateDir.toString());
            // Until unshare has written the maps and exec'ed the shell, the cmdline is unshare's own.
            return ours && args.get(0).endsWith("sh") ? pid : 0;
        } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
            return 0;
        }
    }

    private long startKeeper() {
        UserNamespace.requireAvailable();
        List<String> argv = new ArrayList<>();
        HostTools.which("setsid").ifPresent(setsid -> argv.add(setsid.toString()));
        argv.addAll(UserNamespace.prefix());
        // $0 and $1 label it for ps and liveKeeper; the loop never exits by itself.
        argv.addAll(List.of("/bin/sh", "-c", "while :; do sleep 3600; done", LABEL, stateDir.toString()));
        Process process;
        try {
            process = new ProcessBuilder(argv).directory(new File("/"))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Path tmp = stateDir.resolve(FILE + ".tmp");
            Files.deleteIfExists(tmp);
            EngineFiles.ownerOnly(tmp);
            Files.writeString(tmp, process.pid() + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, pidFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw PyroException.runtime("cannot start the user namespace of the pyro engine: " + ErrorText.of(e), e);
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (liveKeeper() == process.pid()) {
                return process.pid();
            }
            if (!process.isAlive()) {
                throw PyroException.runtime("cannot create the user namespace of the pyro engine (unshare exited "
                        + "with status " + process.exitValue() + "); check with: pyro doctor", null);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw PyroException.runtime("interrupted while starting the pyro engine", e);
            }
        }
        throw PyroException.runtime("the user namespace of the pyro engine did not come up within 5 s", null);
    }
}
