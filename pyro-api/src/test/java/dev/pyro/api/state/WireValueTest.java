package dev.pyro.api.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.api.Json;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The state enums write and read the spec's strings, and find a constant by its string. */
class WireValueTest {

    record Holder(WorkspaceState state, NetworkPolicy policy) {
    }

    @Test
    void jsonIsTheWireString() throws Exception {
        String json = Json.MAPPER.writeValueAsString(new Holder(WorkspaceState.STARTED, NetworkPolicy.EGRESS_PUBLISHED_PORTS));
        assertThat(json).isEqualTo("{\"state\":\"started\",\"policy\":\"egress+published-ports\"}");
        assertThat(Json.MAPPER.readValue(json, Holder.class))
                .isEqualTo(new Holder(WorkspaceState.STARTED, NetworkPolicy.EGRESS_PUBLISHED_PORTS));
    }

    @Test
    void everyConstantIsFoundByItsStringAndNothingElseIs() {
        for (Class<? extends WireValue> type : java.util.List.of(BackendName.class, NetworkPolicy.class,
                ServiceState.class, ShellState.class, VmState.class, WorkspaceState.class, ExecutionMode.class)) {
            for (WireValue constant : type.getEnumConstants()) {
                assertThat(constant.is(constant.value())).isTrue();
                assertThat(constant.toString()).isEqualTo(constant.value());
                assertThat(constant.value()).isLowerCase();
            }
        }
        assertThat(VmState.of("started")).contains(VmState.STARTED);
        assertThat(VmState.of("STARTED")).isEmpty();
        assertThat(VmState.of(null)).isEmpty();
        assertThat(WorkspaceState.STOPPED.is(null)).isFalse();
        assertThat(NetworkPolicy.parse(" Egress ")).contains(NetworkPolicy.EGRESS);
        assertThat(Arrays.stream(BackendName.values()).map(BackendName::value)).containsExactly("vm", "gvisor", "host");
    }
}
