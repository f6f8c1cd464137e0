package dev.pyro.engine.workspace;

import dev.pyro.api.workspace.CommandEntry;
import dev.pyro.api.PyroException;
import dev.pyro.api.Json;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@code commands/NNNNNN.{json,stdout,stderr}}: every command run in a workspace since its last reset. */
final class CommandJournal {

    private final Path dir;

    CommandJournal(Path workspaceDir) {
        this.dir = workspaceDir.resolve("commands");
    }

    void append(CommandEntry entry, String stdout, String stderr) {
        String base = String.format("%06d", entry.sequence());
        Path tmp = dir.resolve(base + ".json.tmp");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(base + ".stdout"), stdout, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(base + ".stderr"), stderr, StandardCharsets.UTF_8);
            Json.writeFile(tmp, entry);
            Files.move(tmp, dir.resolve(base + ".json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the next engine removes it
            }
            throw PyroException.runtime("cannot record command " + entry.sequence() + ": " + ErrorText.of(e), e);
        }
    }

    List<CommandEntry> read() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<CommandEntry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                CommandEntry e = Json.MAPPER.readValue(file.toFile(), CommandEntry.class);
                entries.add(new CommandEntry(e.sequence(), e.command(), e.cwd(), e.exitCode(), e.durationMs(),
                        e.executionMode(), e.stdoutFile(), e.stderrFile(), e.recordedAt(),
                        readSide(e.stdoutFile()), readSide(e.stderrFile())));
            }
        } catch (IOException | RuntimeException e) {
            throw PyroException.runtime("cannot read the command journal " + dir + ": " + ErrorText.of(e), e);
        }
        return entries;
    }

    private String readSide(String name) throws IOException {
        if (name == null || !name.matches("[0-9]{6,}\\.(stdout|stderr)")) {
            return ""; // the engine names these files itself: another name in an entry is not ours to read
        }
        Path file = dir.resolve(name);
        return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    void clear() throws IOException {
        dev.pyro.engine.cache.FileTrees.deleteRecursively(dir);
    }
}
