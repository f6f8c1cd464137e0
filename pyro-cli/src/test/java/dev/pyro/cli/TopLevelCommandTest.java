package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopLevelCommandTest {

    @Test
    void versionNamesTheBuild() throws Exception {
        CliProcess.Result result = new CliProcess().run("--version");
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout().trim()).matches("pyro \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    @Test
    void helpShowsCommandsAndTheZeroToHeroPath() throws Exception {
        CliProcess.Result result = new CliProcess().run("--help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout())
                .contains("doctor", "env")
                .contains("Suggested zero-to-hero path:")
                .contains("pyro doctor --environment debian:12")
                .contains("pyro run debian:12 -- git --version")
                .contains("host", "pyro host connect claude-code --mode cold-start")
                .doesNotContain("(coming)");
    }

    @Test
    void anUnknownCommandIsAUsageErrorWithoutAStackTrace() throws Exception {
        CliProcess.Result result = new CliProcess().run("frobnicate");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("error: Unmatched argument at index 0: 'frobnicate'")
                .contains("Try 'pyro --help'").doesNotContain("Exception").doesNotContain("\tat ");
    }
}
