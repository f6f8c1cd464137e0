package dev.pyro.engine.workspace.disk;

import dev.pyro.api.PyroException;
import dev.pyro.engine.host.HostTools;
import dev.pyro.engine.process.HostCommand;
import dev.pyro.protocol.ErrorText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * e2fsprogs' {@code debugfs} on one raw ext4 image: how Pyro reads a stopped workspace's disk
 * without mounting it (no root needed, and nothing the guest wrote is interpreted by the host
 * kernel). Several commands go through one process ({@code -f -}): debugfs echoes each command as
 * {@code debugfs: CMD} on stdout, which splits the answers apart.
 */
final class Debugfs {

    private static final String ECHO = "debugfs: ";

    private final Path program;
    private final Path image;

    private Debugfs(Path program, Path image) {
        this.program = program;
        this.image = image;
    }

    /** Debugfs on {@code image}; fails with the spec's message when the host lacks it. */
    static Debugfs on(Path image) {
        return new Debugfs(program(), image);
    }

    static Path program() {
        return HostTools.which("debugfs").orElseThrow(() -> PyroException.runtime(
                "debugfs is required for workspace disk operations (Debian package e2fsprogs); "
                        + "run: pyro doctor --fix", null));
    }

    /** A path argument as debugfs' parser reads it: in double quotes, a quote doubled. */
    static String quote(String path) {
        return "\"" + path.replace("\"", "\"\"") + "\"";
    }

    /** An inode argument. */
    static String inode(long ino) {
        return "<" + ino + ">";
    }

    /** One read-only command; stdout and stderr together (errors such as "File not found" are on stderr). */
    List<String> one(String command) {
        try {
            HostCommand.Result result = HostCommand.of(program.toString(), "-R", command, image.toString())
                    .runAllowingFailure();
            return result.lines().stream().filter(l -> !l.startsWith("debugfs ")).toList();
        } catch (IOException e) {
            throw PyroException.runtime("debugfs failed on " + image + ": " + ErrorText.of(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PyroException.runtime("interrupted while reading the workspace disk", e);
        }
    }

    /** Read-only commands in one process: one block of stdout lines per command, in order. */
    List<List<String>> batch(List<String> commands) {
        return run(commands, false);
    }

    /** Commands that change the image ({@code -w}); answers as in {@link #batch}. */
    List<List<String>> write(List<String> commands) {
        return run(commands, true);
    }

    private List<List<String>> run(List<String> commands, boolean writable) {
        List<List<String>> blocks = new ArrayList<>();
        if (commands.isEmpty()) {
            return blocks;
        }
        List<String> argv = new ArrayList<>(List.of(program.toString()));
        if (writable) {
            argv.add("-w");
        }
        argv.addAll(List.of("-f", "-", image.toString()));
        byte[] out;
        try {
            Process process = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Thread feeder = Thread.ofVirtual().start(() -> feed(process.getOutputStream(), commands));
            out = process.getInputStream().readAllBytes();
            feeder.join();
            int exit = process.waitFor();
            if (exit != 0) {
                throw PyroException.runtime("debugfs exited with " + exit + " on " + image, null);
            }
        } catch (IOException e) {
            throw PyroException.runtime("debugfs failed on " + image + ": " + ErrorText.of(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PyroException.runtime("interrupted while reading the workspace disk", e);
        }
        List<String> current = null;
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n", -1)) {
            if (line.startsWith(ECHO) && blocks.size() < commands.size()
                    && line.substring(ECHO.length()).equals(commands.get(blocks.size()))) {
                current = new ArrayList<>();
                blocks.add(current);
            } else if (current != null && !line.isEmpty()) {
                current.add(line);
            }
        }
        while (blocks.size() < commands.size()) {
            blocks.add(List.of()); // debugfs stopped early: the rest answered nothing
        }
        return blocks;
    }

    private static void feed(OutputStream stdin, List<String> commands) {
        try (stdin) {
            for (String command : commands) {
                stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // debugfs went away; its exit code tells
        }
    }

    /** Up to {@code maxBytes} of an inode's content; debugfs is stopped once enough arrived. */
    byte[] cat(long ino, int maxBytes) {
        try {
            Process process = new ProcessBuilder(program.toString(), "-R", "cat " + inode(ino), image.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            process.getOutputStream().close();
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            try (InputStream in = process.getInputStream()) {
                byte[] buffer = new byte[65536];
                int n;
                while (data.size() < maxBytes && (n = in.read(buffer, 0, Math.min(buffer.length, maxBytes - data.size()))) > 0) {
                    data.write(buffer, 0, n);
                }
            } finally {
                process.destroy();
                process.waitFor();
            }
            return data.toByteArray();
        } catch (IOException e) {
            throw PyroException.runtime("debugfs failed on " + image + ": " + ErrorText.of(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw PyroException.runtime("interrupted while reading the workspace disk", e);
        }
    }
}
