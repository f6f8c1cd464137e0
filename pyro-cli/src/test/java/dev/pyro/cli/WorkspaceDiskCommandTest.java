package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.cache.FileTrees;
import dev.pyro.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code pyro workspace disk ...} as users run it, against a real gVisor workspace. */
class WorkspaceDiskCommandTest {

    @TempDir(cleanup = CleanupMode.NEVER)
    Path tmp;

    CliProcess cli;

    @BeforeEach
    void setUp() {
        cli = new CliProcess().env("PYRO_STATE_DIR", tmp.resolve("state").toString()).env("PYRO_BACKEND", "gvisor");
    }

    @AfterEach
    void tearDown() throws Exception {
        EngineProcesses.stopEngine(tmp.resolve("state"));
        FileTrees.deleteRecursively(tmp);
    }

    CliProcess.Result ok(String... args) throws Exception {
        CliProcess.Result result = cli.run(args);
        assertThat(result.exitCode()).as(String.join(" ", args) + "\n" + result.stderr()).isZero();
        return result;
    }

    @Test
    void diskToolsRefuseARunningWorkspaceThenReadListAndExportAStoppedOne() throws Exception {
        Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(tmp.resolve("repo/note.txt"), "no newline at the end");
        String id = ok("workspace", "create", "debian:12", "--seed-path", tmp.resolve("repo").toString(), "--id-only")
                .stdout().trim();

        CliProcess.Result running = cli.run("workspace", "disk", "read", id, "note.txt");
        assertThat(running.exitCode()).isEqualTo(2);
        assertThat(running.stdout()).isEmpty();
        assertThat(running.stderr()).startsWith("error: workspace '" + id
                + "' must be stopped before workspace_disk_read; run: pyro workspace stop " + id);

        ok("workspace", "stop", id);
        assertThat(ok("workspace", "disk", "read", id, "note.txt", "--content-only").stdout())
                .isEqualTo("no newline at the end");
        assertThat(ok("workspace", "disk", "read", id, "note.txt", "--max-bytes", "2").stdout())
                .isEqualTo("no\n[workspace-disk] path=/workspace/note.txt size_bytes=21 truncated=yes (--max-bytes 2)\n");
        JsonNode read = Json.MAPPER.readTree(ok("workspace", "disk", "read", id, "note.txt", "--json").stdout());
        assertThat(read.get("content").asString()).isEqualTo("no newline at the end");
        assertThat(read.get("truncated").asBoolean()).isFalse();
        assertThat(read.has("execution_mode")).isFalse();
        assertThat(ok("workspace", "disk", "list", id).stdout()).isEqualTo("-         21  /workspace/note.txt\n");

        CliProcess.Result missing = cli.run("workspace", "disk", "read", id, "nope.txt");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr()).startsWith("error: workspace disk path does not exist: /workspace/nope.txt");

        Path image = tmp.resolve("out/ws.ext4");
        JsonNode export = Json.MAPPER.readTree(ok("workspace", "disk", "export", id, "--output", image.toString(),
                "--json").stdout());
        assertThat(export.get("output_path").asString()).isEqualTo(image.toString());
        assertThat(export.get("disk_format").asString()).isEqualTo("ext4");
        assertThat(export.get("bytes_written").asLong()).isEqualTo(Files.size(image));
        CliProcess.Result again = cli.run("workspace", "disk", "export", id, "--output", image.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.stderr()).startsWith("error: output_path already exists: " + image);

        assertThat(ok("workspace", "disk", "--help").stdout()).contains("export").contains("list").contains("read")
                .contains("pyro workspace disk export \"$WORKSPACE_ID\" --output ./workspace.ext4");
        assertThat(ok("workspace", "disk", "read", "--help").stdout()).contains("--content-only").contains("Example:");
        ok("workspace", "delete", id);
    }
}
