package dev.pyro.engine.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import org.junit.jupiter.api.Test;

class EnvironmentCatalogTest {

    @Test
    void unknownNamesAreRejectedWithTheKnownOnes() {
        assertThatThrownBy(() -> EnvironmentCatalog.get("ubuntu:24.04"))
                .isInstanceOf(PyroException.class)
                .hasMessage("unknown environment 'ubuntu:24.04'; known environments: debian:12, debian:12-base, debian:12-build")
                .extracting(e -> ((PyroException) e).kind().exitCode()).isEqualTo(2);
    }

    @Test
    void everyEnvironmentHasTheToolsTheAgentNeeds() {
        for (EnvironmentSpec spec : EnvironmentCatalog.all()) {
            assertThat(spec.packages()).as(spec.name()).contains("bash", "coreutils");
            assertThat(spec.packages()).as(spec.name()).containsAll(spec.defaultPackages().stream()
                    .filter(p -> !p.equals("build-essential") || spec.packages().contains(p)).toList());
        }
        assertThat(EnvironmentCatalog.get("debian:12").packages()).contains("git", "ca-certificates");
        assertThat(EnvironmentCatalog.get("debian:12-build").packages())
                .contains("git", "build-essential", "python3", "curl", "make");
        assertThat(EnvironmentCatalog.get("debian:12-base").packages()).doesNotContain("git");
    }

    @Test
    void installDirNamesAreFileSafe() {
        assertThat(EnvironmentCatalog.get("debian:12").installDirName()).isEqualTo("debian_12-1.0.0");
    }
}
