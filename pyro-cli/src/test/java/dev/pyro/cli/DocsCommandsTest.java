package dev.pyro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pyro.engine.cache.FileTrees;
import dev.pyro.test.SandboxTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shell command in README.md, docs/ and examples/ runs here, as a reader would type it, so
 * the docs cannot drift from the product: `pyro` is this build's CLI, on real gVisor sandboxes
 * (the vm backend only where a doc asks for a guest network), with a throwaway state dir and HOME.
 * Each doc's commands run in order in one shell, in a directory holding the files the docs assume
 * ({@link DocFixtures}); each must exit 0, or the code its trailing {@code # exit N} comment says.
 * A fence preceded by {@code <!-- not-run: reason -->} is skipped, and so is a command of
 * {@link #NOT_RUN}; both are printed with their reasons.
 */
@SandboxTest
class DocsCommandsTest {

    /** A command that does not run here, and why. Keep this short and honest. */
    record NotRun(Pattern pattern, String reason) {
    }

    /** A command that runs with {@code prefix} (shell variable assignments) in front, and why. */
    record Adjusted(Pattern pattern, String prefix, String reason) {
    }

    static final List<NotRun> NOT_RUN = List.of(
            new NotRun(Pattern.compile("^scripts/test\\b"), "Maven runs of this test suite, which holds this test"),
            new NotRun(Pattern.compile("^sudo scripts/host-setup\\.sh\\b"),
                    "the one root step: scripts/test ran host setup before this suite, as root"),
            new NotRun(Pattern.compile("^scripts/smoke\\b"),
                    "the smoke pack: JUnit classes of this suite (UseCaseSmokeTest, DailyLoopSmokeTest, ...)"),
            new NotRun(Pattern.compile("^bench/run\\b"), "the benchmark suite: ~10 minutes of timed runs on an otherwise quiet machine"),
            new NotRun(Pattern.compile("\\bmcp serve --http\\b"), "an HTTP server that runs until stopped; McpHttpTest drives it"),
            new NotRun(Pattern.compile("--network -- \"apt-get update\""), "needs the internet from inside the guest"));

    static final List<Adjusted> ADJUSTED = List.of(
            new Adjusted(Pattern.compile("\\bpyro env prune\\b"), "PYRO_ENVIRONMENT_CACHE_DIR=\"$DOCS_SCRATCH/environments\"",
                    "prunes an empty environment cache: the shared one holds installs other checkouts here use"));

    /** Stand-ins the docs write for the absolute path of the launcher; replaced by this test's launcher. */
    static final List<String> LAUNCHER_PLACEHOLDERS = List.of("/ABSOLUTE/PATH/TO/pyro", "/abs/path/to/pyro");

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /**
     * For one doc's whole script. The README's builds debian:12 and, for its network example on the
     * vm backend, debian:12-build from an empty cache; in a cold run beside the rootless tests (each
     * building its own environments, taking turns on the package cache) it passed 600 s
     * (2026-12-07), where alone it takes 2-4 minutes.
     */
    private static final long DOC_TIMEOUT_SECONDS = 1500;

    @TempDir(cleanup = CleanupMode.NEVER)
    Path tmp;

    @AfterEach
    void tearDown() throws Exception {
        Path state = tmp.resolve("state");
        Path workspaces = state.resolve("workspaces");
        if (Files.isDirectory(workspaces)) {
            // Whatever a doc left running (or a failed run left behind) goes, sandbox and all.
            try (Stream<Path> ids = Files.list(workspaces)) {
                for (Path id : ids.toList()) {
                    new CliProcess().env("PYRO_STATE_DIR", state.toString())
                            .run("workspace", "delete", id.getFileName().toString());
                }
            }
        }
        EngineProcesses.stopEngine(state);
        FileTrees.deleteRecursively(tmp);
    }

    @Test
    void everyDocCommandRunsAndExitsAsTheDocSays() throws Exception {
        List<Path> docs = docs();
        assertThat(docs).contains(ROOT.resolve("README.md"), ROOT.resolve("docs/workspaces.md"));
        List<String> failures = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<NotRun, Integer> notRunUses = new HashMap<>();
        Map<String, String> seconds = new LinkedHashMap<>();
        int ran = 0;
        for (Path doc : docs) {
            DocScript script = new DocScript();
            for (DocBlocks.Block block : DocBlocks.parse(doc)) {
                List<DocScript.Step> steps = new ArrayList<>();
                for (DocBlocks.Command command : block.commands()) {
                    String reason = block.notRunReason() != null ? block.notRunReason() : notRun(command, notRunUses);
                    if (reason != null) {
                        skipped.add(DocScript.where(command) + "  " + firstLine(command.text()) + "\n      not run: " + reason);
                    } else {
                        steps.add(new DocScript.Step(command, adjusted(command.text())));
                    }
                }
                script.block(steps);
            }
            long start = System.nanoTime();
            List<DocScript.Outcome> outcomes = run(doc, script);
            seconds.put(relative(doc), (System.nanoTime() - start) / 1_000_000_000L + " s");
            ran += (int) outcomes.stream().filter(o -> o.exitCode() != null).count();
            outcomes.stream().filter(o -> !o.passed()).findFirst().ifPresent(o -> failures.add(describe(o)));
            for (DocScript.Outcome o : outcomes) {
                List<String> stale = o.passed() ? TranscriptShape.missing(o.step().command().output(), o.stdout() + o.stderr())
                        : List.of();
                if (!stale.isEmpty()) {
                    failures.add(DocScript.where(o.step().command()) + "  " + o.step().text()
                            + "\n  the transcript shows lines this run no longer prints: " + stale
                            + "\n  stdout: " + tail(o.stdout()) + "\n  stderr: " + tail(o.stderr()));
                }
            }
        }
        System.out.println("[docs] ran " + ran + " commands from " + docs.size() + " files " + seconds
                + "; skipped " + skipped.size() + ":\n  " + String.join("\n  ", skipped));
        assertThat(failures).as("doc commands that failed (one per doc: later ones did not run)").isEmpty();
        assertThat(NOT_RUN).as("every not-run entry still matches a doc command")
                .allSatisfy(entry -> assertThat(notRunUses).containsKey(entry));
        assertThat(ran).isGreaterThan(100);
    }

    @Test
    void readsScriptsTranscriptsMarkersAndExpectedExitCodes() throws Exception {
        Path doc = Files.writeString(tmp.resolve("doc.md"), String.join("\n",
                "```bash", "# a comment", "pyro a \\", "  --flag", "", "pyro b   # exit 3: documented failure", "```",
                "<!-- not-run: needs a thing -->", "", "```sh", "pyro c", "```",
                "```console", "$ pyro d", "Runtime:  PASS", "$ pyro e", "```",
                "```json", "{\"pyro\": 1}", "```", "```text", "pyro f [--json]", "```", ""));
        List<DocBlocks.Block> blocks = DocBlocks.parse(doc);
        assertThat(blocks).extracting(DocBlocks.Block::language).containsExactly("bash", "sh", "console");
        assertThat(blocks.get(0).commands()).extracting(DocBlocks.Command::text, DocBlocks.Command::line,
                DocBlocks.Command::expectedExit).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("pyro a \\\n  --flag", 3, 0),
                        org.assertj.core.groups.Tuple.tuple("pyro b   # exit 3: documented failure", 6, 3));
        assertThat(blocks.get(0).notRunReason()).isNull();
        assertThat(blocks.get(1).notRunReason()).isEqualTo("needs a thing");
        assertThat(blocks.get(2).commands()).extracting(DocBlocks.Command::text, DocBlocks.Command::output)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("pyro d", List.of("Runtime:  PASS")),
                        org.assertj.core.groups.Tuple.tuple("pyro e", List.of()));
        assertThat(TranscriptShape.missing(List.of("Runtime:  PASS", "[run] vm_id=0123456789ab", "no label"),
                "Runtime: FAIL\n[run] vm_id=fedcba987654\n")).isEmpty();
        assertThat(TranscriptShape.missing(List.of("Daily loop: WARM"), "Runtime: PASS\n")).containsExactly("Daily loop:");
        assertThat(adjusted("./pyro env prune  # x")).startsWith("PYRO_ENVIRONMENT_CACHE_DIR=").endsWith(" ./pyro env prune  # x");
        assertThat(adjusted("/ABSOLUTE/PATH/TO/pyro host doctor")).isEqualTo("pyro host doctor");
    }

    private List<DocScript.Outcome> run(Path doc, DocScript script) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(tmp.resolve("docs").resolve(relative(doc).replace('/', '_')));
        HostPeers.User user = HostPeers.user(dir, true);
        Path work = Files.createDirectories(dir.resolve("work"));
        DocFixtures.write(doc, work, user.home());
        if (Files.readString(doc).contains("./pyro ")) {
            // Only for docs that use it: a recipe that seeds "." must not find a stray link there.
            Files.createSymbolicLink(work.resolve("pyro"), user.launcher());
        }
        Map<String, String> env = new HashMap<>(user.env());
        env.put("PATH", user.launcher().getParent() + ":" + env.get("PATH"));
        env.put("PYRO_STATE_DIR", tmp.resolve("state").toString());
        env.put("PYRO_PROGRESS_PLAIN", "1");
        env.put("DOCS_SCRATCH", Files.createDirectories(dir.resolve("scratch")).toString());
        return script.run(work, dir.resolve("out"), env, DOC_TIMEOUT_SECONDS);
    }

    private static String notRun(DocBlocks.Command command, Map<NotRun, Integer> uses) {
        for (NotRun entry : NOT_RUN) {
            if (entry.pattern().matcher(command.text()).find()) {
                uses.merge(entry, 1, Integer::sum);
                return entry.reason();
            }
        }
        return null;
    }

    static String adjusted(String text) {
        String result = text;
        for (String placeholder : LAUNCHER_PLACEHOLDERS) {
            result = result.replace(placeholder, "pyro");
        }
        for (Adjusted entry : ADJUSTED) {
            if (entry.pattern().matcher(result).find()) {
                result = entry.prefix() + " " + result;
            }
        }
        return result;
    }

    private static String describe(DocScript.Outcome o) {
        String head = DocScript.where(o.step().command()) + "  " + o.step().text();
        if (o.exitCode() == null) {
            return head + "\n  did not finish within " + DOC_TIMEOUT_SECONDS + " s";
        }
        return head + "\n  exit code " + o.exitCode() + ", the doc expects " + o.step().command().expectedExit()
                + "\n  stdout: " + tail(o.stdout()) + "\n  stderr: " + tail(o.stderr());
    }

    private static String tail(String s) {
        return s.length() <= 1500 ? s : "..." + s.substring(s.length() - 1500);
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl) + " ...";
    }

    /** README.md first, then docs/ and examples/ in path order. */
    static List<Path> docs() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        for (String dir : List.of("docs", "examples")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(dir))) {
                files.filter(p -> p.toString().endsWith(".md"))
                        .filter(p -> !p.toString().contains("/node_modules/") && !p.toString().contains("/target/"))
                        .sorted().forEach(docs::add);
            }
        }
        return docs;
    }

    static String relative(Path doc) {
        return ROOT.relativize(doc).toString();
    }
}
