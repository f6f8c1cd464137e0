package dev.pyro.cli.rootless;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.api.Json;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code pyro doctor} as an ordinary account exits normally, says that it runs rootless, and per
 * backend whether it works so; on this host kind (runsc 20240729, QEMU TCG, passt, user
 * namespaces allowed, subordinate ids granted) vm and gvisor both must.
 */
@Tag("rootless")
class RootlessDoctorTest {

    OrdinaryUser user;

    @BeforeEach
    void setUp() throws Exception {
        user = OrdinaryUser.create("doctor");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (user != null) {
            user.close();
        }
    }

    @Test
    void doctorSaysEachBackendWorksRootless() throws Exception {
        OrdinaryUser.Result human = user.pyro("doctor");
        assertThat(human.exitCode()).as(human.describe()).isZero();
        assertThat(human.stdout()).contains("rootless").containsPattern("(?m)^  vm: +yes").containsPattern(
                "(?m)^  gvisor: +yes");
        RootlessChecks.assertNoJavaInternals(human.stdout() + human.stderr());
        // what is weaker than as root, on the gvisor line itself
        assertThat(human.stdout().lines().filter(l -> l.startsWith("  gvisor:")).toList()).as(human.stdout())
                .singleElement().asString().contains("memory by the engine's watch", "CPU unbounded");

        OrdinaryUser.Result json = user.pyro("doctor", "--json");
        assertThat(json.exitCode()).as(json.describe()).isZero();
        JsonNode report = Json.MAPPER.readTree(json.stdout());
        assertThat(report.get("privilege").asString()).as(json.stdout()).isEqualTo("rootless");
        assertThat(report.get("user_namespace").get("available").asBoolean()).as(json.stdout()).isTrue();
        Map<String, JsonNode> backends = new HashMap<>();
        report.get("backends").forEach(b -> backends.put(b.get("name").asString(), b));
        for (String name : new String[] {"vm", "gvisor"}) {
            assertThat(backends.get(name).get("available").asBoolean()).as(name + ": " + backends.get(name)).isTrue();
        }
        assertThat(backends.get("gvisor").get("detail").asString()).contains("rootless")
                .contains("memory by the engine's watch", "CPU unbounded");
        assertThat(report.get("gvisor").get("sandbox_probe").asBoolean()).as(report.get("gvisor").toString()).isTrue();
    }

    @Test
    void doctorSaysNetworkingWorksRootless() throws Exception {
        OrdinaryUser.Result json = user.pyro("doctor", "--json");
        assertThat(json.exitCode()).as(json.describe()).isZero();
        JsonNode networking = Json.MAPPER.readTree(json.stdout()).get("networking");
        assertThat(networking.get("available").asBoolean()).as(networking.toString()).isTrue();
        assertThat(networking.get("detail").asString()).doesNotContain("needs root");
    }
}
