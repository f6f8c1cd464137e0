package dev.pyro.cli.host;

import dev.pyro.api.PyroException;
import dev.pyro.protocol.ErrorText;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A chat host's own command line program ({@code claude}, {@code codex}), found on PATH and run. */
final class HostCli {

    private static final long TIMEOUT_SECONDS = 60;

    record Result(int exitCode, String stdout, String stderr) {

        boolean ok() {
            return exitCode == 0;
        }

        /** What the program said, for an error message: stderr, else stdout. */
        String message() {
            String text = !stderr.isBlank() ? stderr : stdout;
            return text.strip();
        }
    }

    private final String binary;
    private final Path path;

    private HostCli(String binary, Path path) {
        this.binary = binary;
        this.path = path;
    }

    /** The program on PATH, if there is one. */
    static Optional<HostCli> find(String binary) {
        String pathVar = System.getenv("PATH");
        if (pathVar == null) {
            return Optional.empty();
        }
        for (String dir : pathVar.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, binary);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(new HostCli(binary, candidate.toAbsolutePath()));
            }
        }
        return Optional.empty();
    }

    String binary() {
        return binary;
    }

    Result run(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(path.toString());
        argv.addAll(List.of(args));
        return run(argv);
    }

    Result run(List<String> argv) {
        try {
            Process process = new ProcessBuilder(argv).start();
            process.getOutputStream().close();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new PyroException(PyroException.Kind.RUNTIME, binary + " " + String.join(" ",
                        argv.subList(1, argv.size())) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw PyroException.runtime("cannot run " + path + ": " + ErrorText.of(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PyroException.runtime("interrupted while running " + binary, e);
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
