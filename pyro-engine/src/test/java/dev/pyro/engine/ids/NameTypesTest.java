package dev.pyro.engine.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.api.engine.ShellParams;
import dev.pyro.api.ids.ServiceName;
import dev.pyro.api.ids.ShellId;
import dev.pyro.api.ids.SnapshotName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Shell ids, snapshot and service names as types: the engine's texts, nothing path-like gets through. */
class NameTypesTest {

    @Test
    void validNamesPass() {
        assertThat(ShellId.of(ShellId.random().value()).value()).hasSize(12);
        assertThat(SnapshotName.of("before-fix.1").value()).isEqualTo("before-fix.1");
        assertThat(SnapshotName.of("baseline").isBaseline()).isTrue();
        assertThat(ServiceName.of("web_2").toString()).isEqualTo("web_2");
        assertThat(new ShellParams("3f2a9c1b7d40", "0123456789ab", null, null, null, null, null, null, false,
                null, null, null, null).shellId()).isEqualTo("0123456789ab");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../x", "/etc", "a/b", ".hidden", "-rf", "x\n", "ok name"})
    void pathLikeNamesAreRefusedWithTheEngineTexts(String raw) {
        assertThatThrownBy(() -> SnapshotName.of(raw)).isInstanceOf(PyroException.class)
                .hasMessage("snapshot_name is invalid; use letters, digits, '.', '_' or '-' "
                        + "(at most 64, starting with a letter or digit)");
        assertThatThrownBy(() -> ServiceName.of(raw)).isInstanceOf(PyroException.class)
                .hasMessage(raw.isEmpty() ? "service_name must not be empty"
                        : "service_name must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
        assertThatThrownBy(() -> ShellId.of(raw)).isInstanceOf(PyroException.class)
                .hasMessageStartingWith("shell_id must");
    }

    @Test
    void baselineIsReservedForCreate() {
        assertThatThrownBy(() -> SnapshotName.forCreate("baseline")).isInstanceOf(PyroException.class)
                .hasMessage("snapshot_name 'baseline' is reserved");
        assertThatThrownBy(() -> SnapshotName.of(null)).isInstanceOf(PyroException.class);
        assertThatThrownBy(() -> ServiceName.of(null)).hasMessage("service_name must not be empty");
        assertThatThrownBy(() -> new ShellParams("3f2a9c1b7d40", "../../etc", null, null, null, null, null, null,
                false, null, null, null, null)).hasMessage(
                "shell_id must be 12 lowercase hex characters (as Pyro prints it), got '../../etc'");
    }
}
