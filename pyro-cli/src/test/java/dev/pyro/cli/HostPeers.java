package dev.pyro.cli;

import dev.pyro.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The real chat-host CLIs of the host-helper tests (Claude Code, Codex, OpenCode), installed once
 * per {@code src/test/hosts/package.json} into the user's cache by {@code install-hosts.sh}, and a
 * throwaway HOME for them so a test never reads or writes the real user's config.
 */
final class HostPeers {

    private static final Path INSTALLER = Path.of("src/test/hosts/install-hosts.sh").toAbsolutePath();
    // Variables that would point a host at the developer's real config instead of the temp HOME.
    private static final List<String> FOREIGN = List.of("CLAUDE_CONFIG_DIR", "CODEX_HOME", "OPENCODE_CONFIG",
            "OPENCODE_CONFIG_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME",
            PyroLauncher.ENV);
    private static Path bin;

    private HostPeers() {
    }

    /** {@code node_modules/.bin} of the installed hosts. */
    static synchronized Path bin() throws IOException, InterruptedException {
        if (bin == null) {
            CliProcess.Result r = run(List.of("bash", INSTALLER.toString()), Map.of(), null, 900);
            if (r.exitCode() != 0) {
                throw new AssertionError("installing the host CLIs failed (node and npm are needed):\n" + r.stderr());
            }
            bin = Path.of(r.stdout().strip()).resolve("node_modules/.bin");
        }
        return bin;
    }

    /** A throwaway user: HOME and XDG dirs under {@code dir}, the hosts on PATH, a pyro launcher. */
    static User user(Path dir, boolean hostsOnPath) throws IOException, InterruptedException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("XDG_DATA_HOME", home.resolve(".local/share").toString());
        env.put("XDG_STATE_HOME", home.resolve(".local/state").toString());
        env.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        // Keep the hosts offline: no telemetry, update checks or sharing.
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("OPENCODE_DISABLE_AUTOUPDATE", "1");
        env.put("OPENCODE_DISABLE_SHARE", "1");
        String systemPath = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        env.put("PATH", hostsOnPath ? bin() + ":" + systemPath : systemPath);
        env.put("PYRO_LAUNCHER", PyroLauncher.write(dir).toString());
        // pyro's own caches stay the user's (environments, kernels); only the host configs are new.
        env.put("PYRO_CACHE_DIR", System.getenv().getOrDefault("PYRO_CACHE_DIR",
                Path.of(System.getProperty("user.home"), ".cache/pyro").toString()));
        return new User(home, Path.of(env.get("PYRO_LAUNCHER")), env);
    }

    record User(Path home, Path launcher, Map<String, String> env) {

        CliProcess pyro() {
            CliProcess cli = new CliProcess();
            FOREIGN.forEach(cli::without);
            env.forEach(cli::env);
            return cli;
        }

        CliProcess.Result pyro(String... args) throws IOException, InterruptedException {
            return pyro().run(args);
        }

        JsonNode pyroJson(String... args) throws IOException, InterruptedException {
            List<String> argv = new ArrayList<>(List.of(args));
            argv.add("--json");
            CliProcess.Result r = pyro(argv.toArray(String[]::new));
            if (r.exitCode() != 0) {
                throw new AssertionError("pyro " + String.join(" ", args) + " exited " + r.exitCode() + ":\n"
                        + r.stdout() + r.stderr());
            }
            return Json.MAPPER.readTree(r.stdout());
        }

        /** Runs a host CLI ({@code claude}, {@code codex}, {@code opencode}) as this user. */
        CliProcess.Result host(String binary, String... args) throws IOException, InterruptedException {
            List<String> argv = new ArrayList<>();
            argv.add(bin().resolve(binary).toString());
            argv.addAll(List.of(args));
            return run(argv, env, home, 180);
        }
    }

    static CliProcess.Result run(List<String> argv, Map<String, String> env, Path cwd, long timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        FOREIGN.forEach(pb.environment()::remove);
        pb.environment().putAll(env);
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        return CliProcess.finish(pb.start(), timeoutSeconds, argv.get(0));
    }

    /** A launcher script like {@code ./pyro} that runs this build's classes (the jar is built after tests). */
    static final class PyroLauncher {

        static final String ENV = "PYRO_LAUNCHER";

        static Path write(Path dir) throws IOException {
            Path script = dir.resolve("bin/pyro");
            Files.createDirectories(script.getParent());
            StringBuilder exec = new StringBuilder("exec");
            CliJvm.command().forEach(word -> exec.append(" '").append(word).append('\''));
            Files.writeString(script, "#!/bin/sh\n" + exec + " \"$@\"\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            return script;
        }
    }
}
