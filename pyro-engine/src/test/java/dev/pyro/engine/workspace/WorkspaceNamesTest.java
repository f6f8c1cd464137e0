package dev.pyro.engine.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Names and label values are one line of printable text: a list must not print a forged line or an ESC sequence. */
class WorkspaceNamesTest {

    @Test
    void controlCharactersAreRefusedInNamesAndLabels() {
        for (String bad : new String[] {"fix\nID  STATE forged", "red\u001b[31m", "tab\there", "del\u007f",
                "c1\u009b2J", "rtl\u202eevil", "sep\u2028x"}) {
            assertThatThrownBy(() -> WorkspaceNames.name(bad)).as(bad)
                    .hasMessageStartingWith("name must be a single line of printable text");
        }
        assertThatThrownBy(() -> WorkspaceNames.labels(Map.of("issue", "1\u001b]0;title\u0007")))
                .hasMessageStartingWith("label 'issue' value must be printable text");
        assertThatThrownBy(() -> WorkspaceNames.labels(Map.of("issue", "1\n2")))
                .hasMessage("label 'issue' value must be a single line");
        assertThat(WorkspaceNames.name("  café – fix #12 ✓ ")).isEqualTo("café – fix #12 ✓");
        assertThat(WorkspaceNames.labels(Map.of("owner", "José"))).containsEntry("owner", "José");
    }
}
