package dev.pyro.engine.workspace.review;

import dev.pyro.api.workspace.review.ArtifactType;
import dev.pyro.api.workspace.review.ChangeStatus;
import dev.pyro.api.workspace.review.DiffEntry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.api.Json;
import org.junit.jupiter.api.Test;

/**
 * The diff payload crosses the engine socket: what the engine writes, the SDK's client must read
 * back. {@code too_large} is written only when true; reading an entry without it failed ("Cannot
 * map null into type boolean"), so every MCP {@code workspace_diff} with a changed file was an
 * internal error (found by RealProjectQualificationTest).
 */
class DiffEntryJsonTest {

    @Test
    void anEntryRoundTripsWithAndWithoutTooLarge() {
        DiffEntry plain = new DiffEntry("a.txt", ChangeStatus.MODIFIED, ArtifactType.FILE, "--- a\n+++ b\n", false,
                null, null);
        String json = Json.MAPPER.writeValueAsString(plain);
        assertThat(json).doesNotContain("too_large");
        assertThat(Json.MAPPER.readValue(json, DiffEntry.class)).isEqualTo(plain);

        DiffEntry large = new DiffEntry("big.bin", ChangeStatus.MODIFIED, ArtifactType.FILE, null, false, null, null,
                true);
        String largeJson = Json.MAPPER.writeValueAsString(large);
        assertThat(largeJson).contains("\"too_large\":true");
        assertThat(Json.MAPPER.readValue(largeJson, DiffEntry.class)).isEqualTo(large);
    }
}
