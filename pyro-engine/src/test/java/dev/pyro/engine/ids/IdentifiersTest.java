package dev.pyro.engine.ids;

import dev.pyro.api.ids.Identifiers;
import dev.pyro.api.ids.VmId;
import dev.pyro.api.ids.WorkspaceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one id check: 12 lowercase hex characters, nothing that could be a path, an option or a second line. */
class IdentifiersTest {

    @Test
    void pyroMadeIdsPass() {
        for (int i = 0; i < 1000; i++) {
            String id = WorkspaceId.random().value();
            assertThat(WorkspaceId.of(id).value()).isEqualTo(id);
            assertThat(VmId.of(VmId.random().value()).toString()).hasSize(12);
        }
        assertThat(WorkspaceId.of("3f2a9c1b7d40").toString()).isEqualTo("3f2a9c1b7d40");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc", "/tmp/project", "../../x", "..", ".", "a/b", "3f2a9c1b7d40/runtime/host",
            "3f2a9c1b7d40/", "../3f2a9c1b7d4", "3F2A9C1B7D40", "3f2a9c1b7d4", "3f2a9c1b7d401", " 3f2a9c1b7d40",
            "3f2a9c1b7d40\n", "-rf--------", "3f2a9c1b7d4g", "３f2a9c1b7d40", "3f2a9c1b7d4\u0000"})
    void anythingElseIsRefusedNamingTheField(String raw) {
        assertThatThrownBy(() -> WorkspaceId.of(raw)).isInstanceOf(PyroException.class)
                .hasMessageStartingWith("workspace_id must be 12 lowercase hex characters (as Pyro prints it), got '")
                .extracting(e -> ((PyroException) e).kind()).isEqualTo(PyroException.Kind.INVALID_INPUT);
        assertThatThrownBy(() -> VmId.of(raw)).hasMessageStartingWith("vm_id must be 12 lowercase hex characters");
        assertThat(Identifiers.isHex12(raw)).isFalse();
    }

    @Test
    void emptyAndMissingSaySo() {
        assertThatThrownBy(() -> WorkspaceId.of("")).hasMessage("workspace_id must not be empty");
        assertThatThrownBy(() -> WorkspaceId.of(null)).hasMessage("workspace_id must not be empty");
    }

    @Test
    void controlCharactersAreEscapedAndLongInputIsCut() {
        assertThatThrownBy(() -> WorkspaceId.of("a\u001b[2Jb\r\nc\u009b\u2028"))
                .hasMessage("workspace_id must be 12 lowercase hex characters (as Pyro prints it), got "
                        + "'a\\u001b[2Jb\\u000d\\u000ac\\u009b\\u2028'");
        String longId = "x".repeat(500);
        assertThatThrownBy(() -> WorkspaceId.of(longId)).hasMessageEndingWith("x".repeat(80) + "...'");
    }

    @Test
    void namesFollowTheSpecRegex() {
        assertThat(Identifiers.isName("web-1.v2_x")).isTrue();
        assertThat(Identifiers.isName("a".repeat(64))).isTrue();
        assertThat(Identifiers.isName("a".repeat(65))).isFalse();
        for (String bad : new String[] {"", ".", "..", "../x", "a/b", "-x", ".hidden", "a b", "a\n"}) {
            assertThat(Identifiers.isName(bad)).as(bad).isFalse();
        }
    }
}
