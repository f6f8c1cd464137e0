package dev.pyro.engine.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An event's detail and a summary's change entries keep their keys in the order given: the JSON of
 * {@code workspace summary} is the same bytes on every run (it was {@code Map.of}'s per-JVM order).
 */
class ReviewEventsTest {

    @TempDir
    Path dir;

    @Test
    void detailKeepsTheGivenKeyOrder() {
        String json = Json.MAPPER.writeValueAsString(ReviewEvents.detail("path", "/workspace/a", "status", "added"));
        assertThat(json).isEqualTo("{\"path\":\"/workspace/a\",\"status\":\"added\"}");
        String export = Json.MAPPER.writeValueAsString(ReviewEvents.detail("workspace_path", "/workspace/a",
                "output_path", "/tmp/a", "artifact_type", "file", "entry_count", 1));
        assertThat(export).isEqualTo(
                "{\"workspace_path\":\"/workspace/a\",\"output_path\":\"/tmp/a\",\"artifact_type\":\"file\",\"entry_count\":1}");
        assertThat(Json.MAPPER.writeValueAsString(ReviewEvents.detail("status", "added", "path", "/workspace/a")))
                .isEqualTo("{\"status\":\"added\",\"path\":\"/workspace/a\"}");
    }

    @Test
    void aRecordedEventReadsBackInTheSameOrder() {
        ReviewEvents events = new ReviewEvents(dir);
        events.record("sync", ReviewEvents.detail("mode", "directory", "source_path", "/src", "destination",
                "/workspace", "entry_count", 3), 1.5);
        List<ReviewEvents.Event> read = events.read();
        assertThat(read).hasSize(1);
        assertThat(read.get(0).detail().keySet()).containsExactly("mode", "source_path", "destination", "entry_count");
    }

    @Test
    void detailRefusesWhatMapOfRefused() {
        assertThatThrownBy(() -> ReviewEvents.detail("path", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ReviewEvents.detail("path", "a", "path", "b"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
