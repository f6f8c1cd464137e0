package dev.pyro.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A throwaway ordinary account (with the subordinate ids Debian's useradd grants) that runs the
 * real CLI: the rootless proofs. Tests run as root in CI; this needs root to create the account and
 * {@code runuser} to become it. The test classpath is copied where the account can read it (the
 * Maven repository under /root is not readable by others). {@link #close} ends the account's
 * processes (each by pid: they are all this test's) and removes the account with its home.
 */
final class OrdinaryUser implements AutoCloseable {

    final String name;
    final Path home;
    private final Path classpathDir;
    private final String classpath;

    private OrdinaryUser(String name, Path classpathDir, String classpath) {
        this.name = name;
        this.home = Path.of("/home", name);
        this.classpathDir = classpathDir;
        this.classpath = classpath;
    }

    static boolean root() {
        try {
            return "0".equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString());
        } catch (IOException e) {
            return false;
        }
    }

    /** A new account; {@code subordinateIds} false makes one without /etc/subuid ranges. */
    static OrdinaryUser create(boolean subordinateIds) throws IOException, InterruptedException {
        String name = "pyrorl" + UUID.randomUUID().toString().substring(0, 6);
        List<String> add = new ArrayList<>(List.of("useradd", "-m", "-s", "/bin/bash"));
        if (!subordinateIds) {
            add.addAll(List.of("-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0"));
        }
        add.add(name);
        run(add);
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pyro-rl-cp-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path target = dir.resolve(i++ + "-" + source.getFileName());
            copy(source, target);
            entries.add(target.toString());
        }
        return new OrdinaryUser(name, dir, String.join(File.pathSeparator, entries));
    }

    private static void copy(Path source, Path target) throws IOException {
        if (Files.isRegularFile(source)) {
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
            return;
        }
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.toList()) {
                Path t = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                    Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else if (Files.isRegularFile(p)) {
                    Files.copy(p, t);
                    Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }

    /** The CLI as this account, with its own default (empty) caches and state under its home. */
    CliProcess.Result pyro(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("runuser", "-u", name, "--", "env", "-i",
                "HOME=" + home, "USER=" + name, "LOGNAME=" + name, "PATH=/usr/local/bin:/usr/bin:/bin",
                "PYRO_PROGRESS_PLAIN=1", "PYRO_ENGINE_IDLE_SECONDS=30",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath, PyroCli.class.getName()));
        argv.addAll(List.of(args));
        Process process = new ProcessBuilder(argv).directory(new File("/tmp")).start();
        return CliProcess.finish(process, 900);
    }

    /** Runs {@code argv} as root and returns its output; fails on a non-zero exit. */
    static String run(List<String> argv) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        CliProcess.Result result = CliProcess.finish(process, 120);
        if (result.exitCode() != 0) {
            throw new IOException(String.join(" ", argv) + " failed (" + result.exitCode() + "): " + result.stdout());
        }
        return result.stdout();
    }

    /** The pids of this account's processes. */
    List<Long> processes() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().user().map(name::equals).orElse(false))
                .map(ProcessHandle::pid).toList();
    }

    @Override
    public void close() throws Exception {
        for (int round = 0; round < 20 && !processes().isEmpty(); round++) {
            for (long pid : processes()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            Thread.sleep(100);
        }
        // userdel -r removes the home (owners: the account and its subordinate ids) and its id ranges.
        new ProcessBuilder("userdel", "-r", "-f", name).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        new ProcessBuilder("rm", "-rf", "--one-file-system", classpathDir.toString()).start().waitFor();
    }
}
