package dev.pyro.cli.smoke;

import static dev.pyro.cli.smoke.UseCaseSmokes.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.cache.FileTrees;
import dev.pyro.mcp.McpSurface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Real-project qualification: a small multi-file project with Git history, ignored files,
 * generated files, a symlink and a file its user cannot read. A chat host starts
 * {@code pyro mcp serve} inside the checkout (as an ordinary user would run it: root's override
 * of file permissions dropped), and the agent runs the project's own tests offline, patches the
 * failing one to pass, reviews the summary and diff, and exports the patch, which then applies to
 * the real checkout and makes its tests pass there too. A second run starts from {@code --repo-url}
 * on a local bare repository.
 */
class RealProjectQualificationTest {

    private static final String BUGGY_SLUG = "slug() { printf '%s\\n' \"$1\" | tr '[:upper:]' '[:lower:]' | tr ' ' '_'; }\n";
    private static final String FIXED_SLUG = "slug() { printf '%s\\n' \"$1\" | tr '[:upper:]' '[:lower:]' | tr ' ' '-'; }\n";
    private static final String SLUG_HEADER = "# slug TEXT: lower case, words joined by dashes\n";
    private static final String FIX = "--- a/lib/slug.sh\n+++ b/lib/slug.sh\n@@ -1,2 +1,2 @@\n " + SLUG_HEADER
            + "-" + BUGGY_SLUG + "+" + FIXED_SLUG;

    private Path work;
    private SmokeContext ctx;

    @BeforeEach
    void start() throws Exception {
        work = Files.createTempDirectory("pyro-real-project-");
        ctx = new SmokeContext(work);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            ctx.close();
        } finally {
            FileTrees.deleteRecursively(work);
        }
    }

    @Test
    void fromTheCheckoutAsAChatHostStartsIt() throws Exception {
        Path repo = project(work.resolve("wordtools"));
        // The engine runs with the caller's full rights (it manages sandboxes); the server below runs
        // like a user's chat host, for whom data/private.txt is unreadable.
        ctx.pyro().listWorkspaces();
        List<String> asUser = List.of("setpriv", "--inh-caps=-dac_override,-dac_read_search",
                "--bounding-set=-dac_override,-dac_read_search");
        // exports go beside the checkout, a directory the person allows (MCP clients reach no other host path)
        McpSessionDriver d = ctx.track(McpSessionDriver.start(work, repo, ctx.serverEnv(), asUser,
                "--mode", McpSurface.REPRO_FIX.id(), "--allow-host-path", work.toString()));
        assertThat(d.hello().get("instructions").asString()).contains(repo.toRealPath().toString());

        JsonNode ws = d.call("workspace_create", createArgs("real-project"));
        String id = ws.get("workspace_id").asString();
        assertThat(ws.get("workspace_seed").get("origin_kind").asString()).isEqualTo("project_path");
        assertThat(ws.get("workspace_seed").get("origin_ref").asString()).isEqualTo(repo.toRealPath().toString());
        assertThat(ws.get("network_policy").asString()).as("nothing comes from the network").isEqualTo("off");

        List<String> paths = listRecursive(d, id);
        assertThat(paths).contains("/workspace/README.md", "/workspace/bin/wordtools", "/workspace/bin/wt",
                "/workspace/lib/text.sh", "/workspace/lib/slug.sh", "/workspace/tests/run.sh",
                "/workspace/tests/test_slug.sh", "/workspace/docs/USAGE.md", "/workspace/.gitignore");
        assertThat(paths).as("ignored, generated, unreadable files and .git stay on the host").noneMatch(p ->
                p.contains("debug.log") || p.contains(".env.local") || p.startsWith("/workspace/build")
                        || p.startsWith("/workspace/generated") || p.contains("private.txt")
                        || p.startsWith("/workspace/.git/") || p.equals("/workspace/.git"));

        qualify(d, id, work.resolve("exported-1"), repo);
    }

    @Test
    void fromALocalBareRepositoryUrl() throws Exception {
        Path repo = project(work.resolve("wordtools"));
        Path bare = work.resolve("wordtools.git");
        Git.run(work, "clone", "-q", "--bare", repo.toString(), bare.toString());
        String url = bare.toUri().toString();
        McpSessionDriver d = ctx.track(McpSessionDriver.start(work, work, ctx.serverEnv(), "--mode",
                McpSurface.REPRO_FIX.id(), "--repo-url", url, "--repo-ref", "main", "--environment", ctx.environment(),
                "--allow-host-path", work.toString()));
        JsonNode ws = d.call("workspace_create", Map.of("name", "real-project-clone",
                "labels", Map.of(SmokeContext.SUITE_LABEL, "real-project")));
        String id = ws.get("workspace_id").asString();
        assertThat(ws.get("workspace_seed").get("origin_kind").asString()).isEqualTo("repo_url");
        assertThat(ws.get("workspace_seed").get("origin_ref").asString()).isEqualTo(url);
        List<String> paths = listRecursive(d, id);
        assertThat(paths).contains("/workspace/lib/slug.sh", "/workspace/data/private.txt", "/workspace/bin/wt")
                .noneMatch(p -> p.contains("debug.log") || p.startsWith("/workspace/generated"));
        qualify(d, id, work.resolve("exported-2"), repo);
    }

    /** Own tests fail, patch, pass; summary and diff reviewed; the patch exported and proven on the checkout. */
    private void qualify(SmokeDriver d, String id, Path out, Path checkout) throws Exception {
        JsonNode failing = d.call("workspace_exec", Map.of("workspace_id", id, "command", "bash tests/run.sh"));
        assertThat(failing.get("exit_code").asInt()).as(failing.toString()).isEqualTo(1);
        assertThat(failing.get("stdout").asString()).contains("ok   tests/test_upper.sh")
                .contains("ok   tests/test_reverse.sh").contains("FAIL tests/test_slug.sh").contains("2 passed, 1 failed");
        assertThat(failing.get("stderr").asString()).contains("want 'hello-world'");

        assertThat(d.call("workspace_file_read", Map.of("workspace_id", id, "path", "lib/slug.sh"))
                .get("content").asString()).isEqualTo(SLUG_HEADER + BUGGY_SLUG);
        assertThat(d.call("workspace_patch_apply", Map.of("workspace_id", id, "patch", FIX)).get("changed")
                .asBoolean()).isTrue();
        JsonNode passing = d.call("workspace_exec", Map.of("workspace_id", id, "command", "bash tests/run.sh"));
        assertThat(passing.get("exit_code").asInt()).as(passing.toString()).isZero();
        assertThat(passing.get("stdout").asString()).contains("3 passed, 0 failed");

        JsonNode summary = d.call("workspace_summary", Map.of("workspace_id", id));
        assertThat(summary.get("commands").get("count").asInt()).isEqualTo(2);
        assertThat(summary.get("commands").get("failed").asInt()).isEqualTo(1);
        assertThat(summary.get("changes").get("available").asBoolean()).isTrue();
        assertThat(summary.get("edits").get("patches").toString()).contains("lib/slug.sh");

        JsonNode diff = d.call("workspace_diff", Map.of("workspace_id", id));
        assertThat(diff.get("changed").asBoolean()).isTrue();
        assertThat(diff.get("entries")).hasSize(1);
        assertThat(diff.get("entries").get(0).get("path").asString()).endsWith("lib/slug.sh");
        String patch = diff.get("patch").asString();
        assertThat(patch).contains("-" + BUGGY_SLUG.trim()).contains("+" + FIXED_SLUG.trim());

        Path exported = out.resolve("slug.sh");
        d.call("workspace_export", Map.of("workspace_id", id, "path", "lib/slug.sh", "output_path", exported.toString()));
        assertThat(Files.readString(exported)).isEqualTo(SLUG_HEADER + FIXED_SLUG);
        Path patchFile = out.resolve("fix.patch");
        Files.writeString(patchFile, patch);

        // The exported patch applies to a fresh clone of the user's checkout and makes its tests pass there.
        Path clone = out.resolve("clone");
        Git.run(out, "clone", "-q", checkout.toString(), clone.toString());
        Git.run(clone, "apply", "--check", patchFile.toString());
        Git.run(clone, "apply", patchFile.toString());
        Process tests = new ProcessBuilder("bash", "tests/run.sh").directory(clone.toFile()).redirectErrorStream(true)
                .start();
        String output = new String(tests.getInputStream().readAllBytes());
        assertThat(tests.waitFor()).as(output).isZero();
        assertThat(Files.readString(checkout.resolve("lib/slug.sh"))).as("the checkout is never changed")
                .isEqualTo(SLUG_HEADER + BUGGY_SLUG);

        assertThat(d.call("workspace_delete", Map.of("workspace_id", id)).get("deleted").asBoolean()).isTrue();
    }

    private Map<String, Object> createArgs(String name) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("environment", ctx.environment());
        args.put("name", name);
        args.put("labels", Map.of(SmokeContext.SUITE_LABEL, "real-project"));
        return args;
    }

    private static List<String> listRecursive(SmokeDriver d, String id) {
        List<String> paths = new ArrayList<>();
        d.call("workspace_file_list", Map.of("workspace_id", id, "path", "/workspace", "recursive", true))
                .get("entries").forEach(e -> paths.add(e.get("path").asString()));
        return paths;
    }

    /**
     * "wordtools": bash libraries, a CLI, a test runner with three tests (one fails: slug joins words
     * with "_"), three commits, then what a working checkout accumulates: ignored logs and secrets,
     * build output, an untracked generated file, and a tracked file only root could read.
     */
    static Path project(Path repo) throws Exception {
        Files.createDirectories(repo);
        write(repo, "README.md", "# wordtools\n\nSmall text helpers in bash. Run the tests with `bash tests/run.sh`.\n");
        write(repo, ".gitignore", "build/\n*.log\n.env.local\n");
        write(repo, "lib/text.sh", "# upper TEXT / reverse TEXT\nupper() { printf '%s\\n' \"$1\" | tr '[:lower:]' '[:upper:]'; }\n"
                + "reverse() { printf '%s\\n' \"$1\" | perl -nle 'print scalar reverse $_'; }\n");
        write(repo, "tests/run.sh", "#!/bin/bash\n# Runs every tests/test_*.sh from the project root.\nset -u\n"
                + "cd \"$(dirname \"$0\")/..\"\npass=0 fail=0\nfor t in tests/test_*.sh; do\n"
                + "  if bash \"$t\"; then pass=$((pass + 1)); echo \"ok   $t\"; else fail=$((fail + 1)); echo \"FAIL $t\"; fi\n"
                + "done\necho \"$pass passed, $fail failed\"\n[ \"$fail\" -eq 0 ]\n");
        write(repo, "tests/test_upper.sh", ". lib/text.sh\n[ \"$(upper abc)\" = ABC ] || { echo \"  upper abc = $(upper abc)\" >&2; exit 1; }\n");
        write(repo, "tests/test_reverse.sh", ". lib/text.sh\n[ \"$(reverse abc)\" = cba ] || { echo \"  reverse abc = $(reverse abc)\" >&2; exit 1; }\n");
        write(repo, "data/private.txt", "only for the owner's eyes\n");
        Git.commitAll(repo, "text helpers and a test runner");

        write(repo, "lib/slug.sh", SLUG_HEADER + BUGGY_SLUG);
        write(repo, "tests/test_slug.sh", ". lib/slug.sh\ngot=$(slug 'Hello World')\n"
                + "[ \"$got\" = hello-world ] || { echo \"  slug 'Hello World' = '$got', want 'hello-world'\" >&2; exit 1; }\n");
        write(repo, "tests/test_words.sh", ". lib/text.sh\n[ \"$(printf 'a b c' | wc -w)\" -eq 3 ]\n");
        write(repo, "bin/wordtools", "#!/bin/bash\nroot=$(dirname \"$(readlink -f \"$0\")\")/..\n"
                + ". \"$root/lib/text.sh\"; . \"$root/lib/slug.sh\"\ncmd=$1; shift; \"$cmd\" \"$*\"\n");
        Files.setPosixFilePermissions(repo.resolve("bin/wordtools"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(repo.resolve("bin/wt"), Path.of("wordtools"));
        Git.commitAll(repo, "slug and the wordtools command");

        Files.delete(repo.resolve("tests/test_words.sh"));
        write(repo, "docs/USAGE.md", "wordtools upper TEXT | reverse TEXT | slug TEXT\n");
        Git.commitAll(repo, "usage doc; drop the words test");

        write(repo, "debug.log", "ignored log\n");
        write(repo, ".env.local", "TOKEN=must-not-leave-the-host\n");
        write(repo, "build/wordtools.tar", "generated archive\n");
        write(repo, "generated/VERSION", "0.0.0-dev\n");
        Files.setPosixFilePermissions(repo.resolve("data/private.txt"), PosixFilePermissions.fromString("---------"));
        assertThat(Git.run(repo, "log", "--oneline").lines()).hasSize(3);
        return repo;
    }
}
