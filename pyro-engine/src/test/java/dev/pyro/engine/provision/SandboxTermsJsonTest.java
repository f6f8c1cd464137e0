package dev.pyro.engine.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.api.Json;
import dev.pyro.engine.vms.VmInstance;
import dev.pyro.engine.workspace.WorkspaceRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The shared terms are unwrapped: vm.json and workspace.json keep the keys, order and values they always had. */
class SandboxTermsJsonTest {

    /** vm.json as the flat record wrote it before the terms were shared. */
    private static final String VM_JSON = "{\"vm_id\":\"0123456789ab\",\"environment\":\"debian:12\","
            + "\"environment_version\":\"1\",\"vcpu_count\":2,\"mem_mib\":512,\"ttl_seconds\":600,"
            + "\"created_at\":1795460735.088,\"expires_at\":1795461335.088,\"state\":\"started\","
            + "\"network_requested\":true,\"allow_host_compat\":false,\"last_error\":null,\"sandbox\":null}";

    /** workspace.json as the flat record wrote it before the terms were shared. */
    private static final String WORKSPACE_JSON = "{\"layout_version\":1,\"workspace_id\":\"0123456789ab\","
            + "\"environment\":\"debian:12\",\"environment_version\":\"1\",\"vcpu_count\":1,\"mem_mib\":1024,"
            + "\"ttl_seconds\":600,\"created_at\":100.5,\"expires_at\":700.5,\"state\":\"stopped\","
            + "\"network_policy\":\"egress\",\"allow_host_compat\":false,\"backend\":\"gvisor\",\"last_error\":null,"
            + "\"name\":null,\"labels\":{},\"last_activity_at\":100.5,\"command_count\":0,\"last_command\":null,"
            + "\"workspace_seed\":null,\"secrets\":[],\"reset_count\":0,\"last_reset_at\":null,\"sandbox\":null}";

    @Test
    void vmRecordReadsAndWritesTheFlatFile() {
        VmInstance vm = Json.MAPPER.readValue(VM_JSON, VmInstance.class);
        assertThat(vm.vcpuCount()).isEqualTo(2);
        assertThat(vm.state()).isEqualTo("started");
        assertThat(vm.expiresAt()).isEqualTo(1795461335.088);
        assertThat(Json.MAPPER.writeValueAsString(vm)).isEqualTo(VM_JSON);
    }

    @Test
    void workspaceRecordReadsAndWritesTheFlatFile() {
        WorkspaceRecord record = Json.MAPPER.readValue(WORKSPACE_JSON, WorkspaceRecord.class);
        assertThat(record.environment()).isEqualTo("debian:12");
        assertThat(record.memMib()).isEqualTo(1024);
        assertThat(record.state()).isEqualTo("stopped");
        assertThat(Json.MAPPER.writeValueAsString(record)).isEqualTo(WORKSPACE_JSON);
        assertThat(keys(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(record))))
                .containsExactlyElementsOf(keys(Json.MAPPER.readTree(WORKSPACE_JSON)));
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.propertyNames().forEach(keys::add);
        return keys;
    }
}
