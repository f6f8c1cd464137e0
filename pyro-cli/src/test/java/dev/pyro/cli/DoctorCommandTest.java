package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.api.Json;
import java.nio.file.Path;
import dev.pyro.engine.cache.FileTrees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code pyro doctor} against this real host. */
class DoctorCommandTest {

    // Rootfs trees hold absolute symlinks; JUnit's cleanup warns on each, ours just deletes them.
    @TempDir(cleanup = CleanupMode.NEVER)
    Path tmp;

    @AfterEach
    void deleteTmp() throws Exception {
        FileTrees.deleteRecursively(tmp);
    }

    @Test
    void reportsBackendsAndTheAutoChoice() throws Exception {
        CliProcess cli = new CliProcess().isolatedIn(tmp);
        CliProcess.Result json = cli.run("doctor", "--json");
        assertThat(json.exitCode()).as(json.stderr()).isZero();
        JsonNode report = Json.MAPPER.readTree(json.stdout());
        assertThat(report.get("platform").asString()).isEqualTo("linux-x86_64");
        assertThat(report.get("backends").valueStream().map(b -> b.get("name").asString()))
                .containsExactly("vm", "gvisor", "host");
        JsonNode kvm = report.get("kvm");
        assertThat(kvm.has("exists")).isTrue();
        assertThat(kvm.get("boot_probe").asString()).isIn("passed", "failed", "not_run");
        assertThat(report.get("environments").get("cache_dir").asString())
                .isEqualTo(tmp.resolve("environments").toString());
        assertThat(report.get("environments").get("environments")).hasSize(3);
        boolean runtimeOk = report.get("runtime_ok").asBoolean();
        String auto = report.get("auto_backend").isNull() ? null : report.get("auto_backend").asString();
        // auto never picks host, and Runtime: PASS exactly when some isolating backend works
        assertThat(auto).isNotEqualTo("host");
        assertThat(runtimeOk).isEqualTo(auto != null);
        JsonNode gvisor = report.get("backends").get(1);
        if (gvisor.get("available").asBoolean() && !"passed".equals(kvm.get("boot_probe").asString())) {
            assertThat(auto).isEqualTo("gvisor");
        }

        CliProcess.Result human = cli.run("doctor", "--environment", "debian:12-base");
        assertThat(human.exitCode()).isZero();
        assertThat(human.stdout())
                .containsPattern("(?m)^Platform:\\s+linux-x86_64$")
                .containsPattern("(?m)^Runtime:\\s+" + (runtimeOk ? "PASS" : "FAIL") + "$")
                .containsPattern("(?m)^Backend:\\s+auto -> ")
                .containsPattern("(?m)^KVM:\\s+exists=(yes|no) readable=(yes|no) writable=(yes|no) boot=")
                .containsPattern("(?m)^Environment:\\s+debian:12-base ");
    }

    @Test
    void anUnknownEnvironmentIsAUsageError() throws Exception {
        CliProcess.Result result = new CliProcess().isolatedIn(tmp).run("doctor", "--environment", "nope");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("error: unknown environment 'nope'; known environments: debian:12");
    }
}
