package dev.pyro.engine.workspace;

import dev.pyro.api.PyroException;
import dev.pyro.api.Json;
import dev.pyro.protocol.ErrorText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code review/events.jsonl}: what an agent did to a workspace besides commands (sync, file
 * writes, patches, exports, resets), one JSON object a line, appended; read by {@code summary}.
 */
final class ReviewEvents {

    /** One event: its kind, when, and what it touched. */
    record Event(String kind, double recordedAt, Map<String, Object> detail) {
    }

    private final Path file;

    /**
     * An event's detail in the order its keys are given (not {@code Map.of}'s order, which changes
     * from one JVM run to the next, and with it the JSON of {@code workspace summary}). Like
     * {@code Map.of}, refuses a null key or value and a repeated key.
     */
    static Map<String, Object> detail(Object... keysAndValues) {
        Map<String, Object> detail = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            String key = (String) java.util.Objects.requireNonNull(keysAndValues[i]);
            if (detail.put(key, java.util.Objects.requireNonNull(keysAndValues[i + 1])) != null) {
                throw new IllegalArgumentException("duplicate key: " + key);
            }
        }
        return detail;
    }

    ReviewEvents(Path workspaceDir) {
        this.file = workspaceDir.resolve("review").resolve("events.jsonl");
    }

    synchronized void record(String kind, Map<String, ?> detail, double at) {
        try {
            Files.createDirectories(file.getParent());
            String line = Json.MAPPER.writeValueAsString(new Event(kind, at, new LinkedHashMap<>(detail))) + "\n";
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException e) {
            throw PyroException.runtime("cannot record review event " + kind + ": " + ErrorText.of(e), e);
        }
    }

    List<Event> read() {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            List<Event> events = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    events.add(Json.MAPPER.readValue(line, Event.class));
                }
            }
            return events;
        } catch (IOException | RuntimeException e) {
            throw PyroException.runtime("cannot read review events " + file + ": " + ErrorText.of(e), e);
        }
    }
}
