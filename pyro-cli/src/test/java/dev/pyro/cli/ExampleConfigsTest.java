package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The MCP client configs in {@code examples/mcp/} are what {@code pyro host print-config} prints,
 * with {@code /ABSOLUTE/PATH/TO/pyro} standing for the launcher, so they cannot drift from the
 * canonical server command.
 */
class ExampleConfigsTest {

    private static final String PLACEHOLDER = "/ABSOLUTE/PATH/TO/pyro";
    private static final Path EXAMPLES = Path.of("..", "examples", "mcp");

    @TempDir
    Path dir;

    @Test
    void jsonConfigsMatchPrintConfig() throws Exception {
        for (String[] pair : new String[][] {{"opencode", "opencode.json"}, {"generic", "generic-mcp-servers.json"}}) {
            String printed = printConfig(pair[0], "repro-fix");
            assertThat(Json.MAPPER.readTree(printed)).as(pair[1])
                    .isEqualTo(Json.MAPPER.readTree(Files.readString(EXAMPLES.resolve(pair[1]))));
        }
    }

    @Test
    void hostPagesShowTheCommandsConnectRuns() throws Exception {
        assertThat(Files.readString(EXAMPLES.resolve("claude-code.md")))
                .contains(printConfig("claude-code", "cold-start").strip());
        assertThat(Files.readString(EXAMPLES.resolve("codex.md"))).contains(printConfig("codex", "repro-fix").strip());
    }

    /** {@code pyro host print-config HOST --mode MODE} with the launcher path replaced by the placeholder. */
    private String printConfig(String host, String mode) throws Exception {
        Path launcher = dir.resolve("bin/pyro");
        if (!Files.exists(launcher)) {
            Files.createDirectories(launcher.getParent());
            Files.writeString(launcher, "#!/bin/sh\nexit 0\n");
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        CliProcess.Result r = new CliProcess().env("PYRO_LAUNCHER", launcher.toString())
                .run("host", "print-config", host, "--mode", mode);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return r.stdout().replace(launcher.toString(), PLACEHOLDER);
    }
}
