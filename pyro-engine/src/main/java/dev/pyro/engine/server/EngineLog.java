package dev.pyro.engine.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** {@code <state>/engine.log}: timestamped lines. The engine never writes to stdout. */
public final class EngineLog {

    /** Beyond this the log moves to {@code engine.log.1} when an engine starts, so it stays bounded. */
    private static final long ROTATE_BYTES = 8L * 1024 * 1024;

    private final PrintStream out;

    private EngineLog(PrintStream out) {
        this.out = out;
    }

    public static EngineLog open(Path file) throws IOException {
        EngineFiles.ownerOnly(file); // refuses a planted symlink before anything is moved or opened
        if (Files.size(file) > ROTATE_BYTES) {
            Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            EngineFiles.ownerOnly(file);
        }
        return new EngineLog(new PrintStream(Files.newOutputStream(file, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS), true, StandardCharsets.UTF_8));
    }

    /** A log that drops everything (for in-process uses that do not want a file). */
    public static EngineLog discard() {
        return new EngineLog(new PrintStream(java.io.OutputStream.nullOutputStream()));
    }

    /** The stream behind the log, so stray System.out/err writes of engine code land in it too. */
    public PrintStream stream() {
        return out;
    }

    public void info(String message) {
        line("INFO", message);
    }

    public void error(String message, Throwable error) {
        synchronized (out) {
            line("ERROR", message);
            if (error != null) {
                error.printStackTrace(out);
            }
        }
    }

    private void line(String level, String message) {
        out.println(OffsetDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) + " " + level + " ["
                + Thread.currentThread().getName() + "] " + message);
    }
}
