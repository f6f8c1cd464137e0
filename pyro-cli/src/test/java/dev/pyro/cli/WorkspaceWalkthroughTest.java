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

/** The README's workspace walkthrough, run as users run it, against a real gVisor sandbox. */
class WorkspaceWalkthroughTest {

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
    void createReadPatchExecSummaryDiffExportResetDelete() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo/src"));
        Files.writeString(tmp.resolve("repo/note.txt"), "hello\nworld\n");
        Files.writeString(repo.resolve("app.py"), "print(1)\n");
        Path patch = Files.writeString(tmp.resolve("fix.patch"),
                "--- a/note.txt\n+++ b/note.txt\n@@ -1,2 +1,2 @@\n hello\n-world\n+pyro\n");

        String id = ok("workspace", "create", "debian:12", "--seed-path", tmp.resolve("repo").toString(),
                "--name", "repro-fix", "--label", "issue=123", "--id-only").stdout().trim();
        assertThat(id).matches("[0-9a-f]{12}");

        JsonNode status = Json.MAPPER.readTree(ok("workspace", "status", id, "--json").stdout());
        assertThat(status.get("state").asString()).isEqualTo("started");
        assertThat(status.get("workspace_seed").get("mode").asString()).isEqualTo("directory");
        assertThat(status.get("workspace_seed").get("entry_count").asInt()).isEqualTo(3);
        assertThat(status.get("labels").get("issue").asString()).isEqualTo("123");
        assertThat(ok("workspace", "list").stdout()).contains(id).contains("repro-fix");

        assertThat(ok("workspace", "file", "read", id, "note.txt", "--content-only").stdout()).isEqualTo("hello\nworld\n");
        assertThat(ok("workspace", "patch", "apply", id, "--patch-file", patch.toString()).stdout())
                .contains("changed=yes").contains("modified  /workspace/note.txt");

        CliProcess.Result exec = cli.run("workspace", "exec", id, "--", "sh", "-c", "cat note.txt; exit 3");
        assertThat(exec.exitCode()).isEqualTo(3);
        assertThat(exec.stdout()).isEqualTo("hello\npyro\n");
        assertThat(exec.stderr()).contains("sequence=1").contains("exit_code=3");

        JsonNode summary = Json.MAPPER.readTree(ok("workspace", "summary", id, "--json").stdout());
        assertThat(summary.get("commands").get("count").asInt()).isEqualTo(1);
        assertThat(summary.get("commands").get("failed").asInt()).isEqualTo(1);
        assertThat(summary.get("changes").get("available").asBoolean()).isTrue();
        assertThat(summary.get("edits").get("patches")).hasSize(1);

        JsonNode diff = Json.MAPPER.readTree(ok("workspace", "diff", id, "--json").stdout());
        assertThat(diff.get("changed").asBoolean()).isTrue();
        assertThat(diff.get("summary").get("modified").asInt()).isEqualTo(1);
        assertThat(diff.get("patch").asString()).contains("-world\n+pyro\n");

        Path exported = tmp.resolve("out/note.txt");
        ok("workspace", "export", id, "note.txt", "--output", exported.toString());
        assertThat(exported).hasContent("hello\npyro");
        CliProcess.Result again = cli.run("workspace", "export", id, "note.txt", "--output", exported.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.stderr()).contains("output_path already exists");
        JsonNode afterExport = Json.MAPPER.readTree(ok("workspace", "summary", id, "--json").stdout());
        assertThat(afterExport.get("artifacts").get("exports")).hasSize(1);

        JsonNode reset = Json.MAPPER.readTree(ok("workspace", "reset", id, "--json").stdout());
        assertThat(reset.get("reset_count").asInt()).isEqualTo(1);
        assertThat(reset.get("workspace_reset").get("entry_count").asInt()).isEqualTo(3);
        assertThat(ok("workspace", "file", "read", id, "note.txt", "--content-only").stdout()).isEqualTo("hello\nworld\n");
        assertThat(ok("workspace", "diff", id).stdout()).isEqualTo("No changes since the baseline.\n");
        assertThat(ok("workspace", "logs", id).stdout()).isEqualTo("No commands yet.\n");

        assertThat(ok("workspace", "delete", id).stdout()).isEqualTo("Deleted workspace " + id + "\n");
        CliProcess.Result gone = cli.run("workspace", "status", id);
        assertThat(gone.exitCode()).isEqualTo(2);
        assertThat(gone.stderr()).isEqualTo("error: workspace '" + id + "' does not exist\n");
    }
}
