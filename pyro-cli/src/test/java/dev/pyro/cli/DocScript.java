package dev.pyro.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One doc's commands as one bash script, in the doc's order, so a variable set by one line (a
 * workspace id) is there for the next. Each command's exit code, stdout and stderr go to files;
 * the script stops at the first command that exits other than the doc says.
 */
final class DocScript {

    /** A command to run, already adjusted ({@link DocsCommandsTest#ADJUSTED}). */
    record Step(DocBlocks.Command command, String text) {
    }

    /** What one step did; {@code exitCode} is null when the script stopped before it. */
    record Outcome(Step step, Integer exitCode, String stdout, String stderr) {

        boolean passed() {
            return exitCode != null && exitCode == step.command().expectedExit();
        }
    }

    // Blocks that ask for a guest network (or the vm backend by name) run without PYRO_BACKEND=gvisor:
    // gVisor has no guest network, and an explicit gvisor backend is refused for one.
    private static final Pattern NEEDS_VM = Pattern.compile("--network\\b|--backend vm\\b");

    private final List<List<Step>> blocks = new ArrayList<>();

    /** Adds a block's steps (all of one fence); skipped commands are simply not among them. */
    void block(List<Step> steps) {
        if (!steps.isEmpty()) {
            blocks.add(List.copyOf(steps));
        }
    }

    List<Outcome> run(Path work, Path out, Map<String, String> env, long timeoutSeconds)
            throws IOException, InterruptedException {
        Files.createDirectories(out);
        StringBuilder script = new StringBuilder("set -o pipefail\n");
        List<Step> all = new ArrayList<>();
        for (List<Step> block : blocks) {
            // Every block starts in the reader's directory; a `cd` in one block is that block's.
            script.append("\n# ").append(where(block.getFirst().command())).append('\n')
                    .append("cd ").append(quote(work.toString())).append('\n');
            boolean vm = block.stream().anyMatch(s -> NEEDS_VM.matcher(s.text()).find());
            script.append(vm ? "unset PYRO_BACKEND\n" : "export PYRO_BACKEND=gvisor\n");
            for (Step step : block) {
                int n = all.size();
                all.add(step);
                String files = quote(out.resolve(Integer.toString(n)).toString());
                // The newline before `}` ends a trailing `# comment` of the doc's line.
                script.append("{ ").append(step.text()).append("\n} >").append(files).append(".out 2>")
                        .append(files).append(".err </dev/null\n")
                        .append("rc=$?; echo \"$rc\" >").append(files).append(".rc; [ \"$rc\" -eq ")
                        .append(step.command().expectedExit()).append(" ] || exit 90\n");
            }
        }
        Path file = Files.writeString(out.resolve("script.sh"), script);
        try {
            HostPeers.run(List.of("bash", file.toString()), env, work, timeoutSeconds);
        } catch (AssertionError timedOut) {
            // Killed with its children; the command without an exit code file is the one that hung.
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (int n = 0; n < all.size(); n++) {
            Path rc = out.resolve(n + ".rc");
            outcomes.add(Files.isRegularFile(rc)
                    ? new Outcome(all.get(n), Integer.parseInt(Files.readString(rc).strip()),
                            Files.readString(out.resolve(n + ".out")), Files.readString(out.resolve(n + ".err")))
                    : new Outcome(all.get(n), null, "", ""));
        }
        return outcomes;
    }

    static String where(DocBlocks.Command command) {
        return DocsCommandsTest.relative(command.doc()) + ":" + command.line();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
