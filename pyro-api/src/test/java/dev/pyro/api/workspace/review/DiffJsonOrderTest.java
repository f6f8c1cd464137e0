package dev.pyro.api.workspace.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.api.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code workspace diff --json}: the payload and its entries are records, so their keys come in
 * component order on every run (spec §12.2: {@code path, status, artifact_type, text_patch}), also
 * after a round trip through the SDK's decoding, which is what the CLI prints.
 */
class DiffJsonOrderTest {

    private static final String ENTRY =
            "{\"path\":\"a.txt\",\"status\":\"added\",\"artifact_type\":\"file\",\"text_patch\":\"+a\\n\",\"binary\":false}";

    @Test
    void entriesKeepPathStatusFirstAcrossARoundTrip() {
        DiffEntry entry = new DiffEntry("a.txt", ChangeStatus.ADDED, ArtifactType.FILE, "+a\n", false, null, null);
        assertThat(Json.MAPPER.writeValueAsString(entry)).isEqualTo(ENTRY);
        DiffPayload payload = new DiffPayload("0123456789ab", true, DiffSummary.of(List.of(entry)), List.of(entry),
                "+a\n");
        String once = Json.MAPPER.writeValueAsString(payload);
        assertThat(once).startsWith("{\"workspace_id\":\"0123456789ab\",\"changed\":true,\"summary\":{")
                .contains("\"entries\":[" + ENTRY + "]");
        String again = Json.MAPPER.writeValueAsString(Json.MAPPER.readValue(once, DiffPayload.class));
        assertThat(again).isEqualTo(once);
    }
}
