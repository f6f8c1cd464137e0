package dev.pyro.cli;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The argv that starts this build's CLI in a child JVM, for every test that runs the real CLI
 * ({@link CliProcess}, {@link McpPeers#pyroCommand}, the host tests' launcher script). Started
 * the way {@code ./pyro} starts it: the classes from jars, with a class-data (AOT) cache for a
 * fast start on JDK 25 and later. The code is the test run's: each class dir of the test
 * classpath becomes a plain jar named {@code .zip} (no manifest attributes, so nothing like
 * Implementation-Version appears that a class dir lacks, and not {@code .jar}, which the CLI
 * takes for its own installed jar), once per test JVM, in {@code target/cli-jvm}; the AOT cache
 * is trained once on those jars by an {@code mcp serve} that lists its tools. When anything of
 * this fails, the child runs as before: the test classpath as it is, without a cache.
 */
final class CliJvm {

    private static final Path DIR = Path.of("target/cli-jvm").toAbsolutePath();
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    /** As {@code ./pyro} starts the CLI. */
    private static final List<String> FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData");
    private static List<String> prefix;

    private CliJvm() {
    }

    /**
     * The CLI on the test classpath as it is (class dirs, no cache): the same build, to the engine,
     * as the test JVM. An engine replaces itself when a client of another build calls it, and the
     * jars above are another build (their paths and sizes differ), so a child that must reach an
     * engine the test JVM started (one with rights the child lacks) runs this way.
     */
    static List<String> sameBuildCommand(String... args) {
        List<String> argv = new ArrayList<>(List.of(JAVA));
        argv.addAll(FLAGS);
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), PyroCli.class.getName()));
        argv.addAll(List.of(args));
        return argv;
    }

    /** {@code java <flags> -cp <classpath> dev.pyro.cli.PyroCli args...}. */
    static List<String> command(String... args) {
        List<String> argv = new ArrayList<>(prefix());
        argv.addAll(List.of(args));
        return argv;
    }

    private static synchronized List<String> prefix() {
        if (prefix == null) {
            String classPath = System.getProperty("java.class.path");
            List<String> cache = List.of();
            try {
                classPath = jarred(classPath);
                if (Runtime.version().feature() >= 25) {
                    cache = trained(classPath);
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("[cli-jvm] running the CLI from the test classpath without a cache: " + e);
                classPath = System.getProperty("java.class.path");
            }
            List<String> argv = new ArrayList<>(List.of(JAVA));
            argv.addAll(FLAGS);
            argv.addAll(cache);
            argv.addAll(List.of("-cp", classPath, PyroCli.class.getName()));
            prefix = List.copyOf(argv);
        }
        return prefix;
    }

    /** The classpath with each non-empty class dir replaced by a jar of it, in the same order. */
    private static String jarred(String classPath) throws IOException {
        if (Files.isDirectory(DIR)) {
            try (Stream<Path> old = Files.list(DIR)) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(DIR);
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : classPath.split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (entry.isEmpty() || !Files.isDirectory(path)) {
                entries.add(entry);
                continue;
            }
            // .zip, not .jar: the CLI tells "runs straight from its jar" by the name (host.Launcher),
            // and from class dirs it does not, so neither may these.
            Path jar = DIR.resolve(String.format("%02d-%s.zip", i++, path.getFileName()));
            jar(path.toAbsolutePath(), jar);
            entries.add(jar.toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void jar(Path dir, Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = dir.relativize(file).toString().replace(File.separatorChar, '/');
                if (name.isEmpty() || name.equals("META-INF/MANIFEST.MF")) {
                    continue;
                }
                boolean isDir = Files.isDirectory(file);
                JarEntry entry = new JarEntry(isDir ? name + "/" : name);
                entry.setTime(Files.getLastModifiedTime(file).toMillis());
                out.putNextEntry(entry);
                if (!isDir) {
                    Files.copy(file, out);
                }
                out.closeEntry();
            }
        }
    }

    /** Trains an AOT cache on {@code mcp serve} (picocli, JSON, the MCP SDK); empty when that fails. */
    private static List<String> trained(String classPath) throws IOException {
        Path aot = DIR.resolve("cli.aot");
        Path state = Files.createTempDirectory("pyro-cli-jvm-");
        List<String> argv = new ArrayList<>(List.of(JAVA));
        argv.addAll(FLAGS);
        argv.addAll(List.of("-XX:AOTCacheOutput=" + aot, "-Xlog:aot*=off", "-Xlog:cds*=off", "-cp", classPath,
                PyroCli.class.getName(), "mcp", "serve", "--no-project-source"));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PYRO_STATE_DIR", state.toString());
        Process server = builder.start();
        try (OutputStream in = server.getOutputStream()) {
            in.write(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                    + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"aot-training\",\"version\":\"1\"}}}\n"
                    + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                    + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the server ended early; no cache then
        }
        try {
            if (!server.waitFor(300, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.destroyForcibly();
        } finally {
            try {
                EngineProcesses.stopEngine(state);
                dev.pyro.engine.cache.FileTrees.deleteRecursively(state);
            } catch (Exception e) {
                throw new UncheckedIOException(new IOException("cleaning " + state, e));
            }
        }
        if (!Files.isRegularFile(aot)) {
            return List.of();
        }
        return List.of("-XX:AOTCache=" + aot, "-Xlog:aot*=off", "-Xlog:cds*=off");
    }
}
