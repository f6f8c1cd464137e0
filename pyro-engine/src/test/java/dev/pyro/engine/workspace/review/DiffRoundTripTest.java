package dev.pyro.engine.workspace.review;

import dev.pyro.api.workspace.review.DiffPayload;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The diff's combined patch, applied to the baseline, yields the current text files. */
class DiffRoundTripTest {

    @TempDir
    Path tmp;

    private static Map<String, TreeEntry> tree(Map<String, String> texts) {
        Map<String, TreeEntry> tree = new HashMap<>();
        texts.forEach((path, text) -> tree.put(path, TreeEntry.file(0644, text.getBytes(UTF_8))));
        return tree;
    }

    /** Diffs, applies the combined patch to the baseline in memory, returns the resulting texts. */
    private static Map<String, String> roundTrip(Map<String, String> baseline, Map<String, String> current) {
        DiffPayload diff = BaselineDiff.compute("ws", tree(baseline), tree(current));
        MemoryWorkspace workspace = MemoryWorkspace.of(baseline);
        if (!diff.patch().isEmpty()) {
            workspace.apply(diff.patch());
        }
        return workspace.texts();
    }

    private static Map<String, String> variedBaseline() {
        Map<String, String> baseline = new TreeMap<>();
        baseline.put("src/app.py", IntStream.rangeClosed(1, 60).mapToObj(i -> "x" + i + " = " + i + "\n").collect(Collectors.joining()));
        baseline.put("README.md", "# Title\n\nText.\n");
        baseline.put("notes/no-newline.txt", "first\nlast");
        baseline.put("win.txt", "a\r\nb\r\nc\r\n");
        baseline.put("gone.txt", "delete me\nplease\n");
        baseline.put("unicode ✓.txt", "héllo\n");
        baseline.put("tab\tname.txt", "t\n");
        baseline.put("schema.sql", "-- header\n--- divider\nSELECT 1;\n");
        return baseline;
    }

    private static Map<String, String> variedCurrent(Map<String, String> baseline) {
        Map<String, String> current = new TreeMap<>(baseline);
        current.put("src/app.py", baseline.get("src/app.py").replace("x3 = 3\n", "x3 = 'three'\n")
                .replace("x30 = 30\n", "").replace("x58 = 58\n", "x58 = 58\nextra = True\n"));
        current.put("README.md", "# Title\n\nBetter text.\n");
        current.put("notes/no-newline.txt", "first\nchanged last");
        current.put("win.txt", "a\r\nB\r\nc\r\n");
        current.remove("gone.txt");
        current.put("new/file.txt", "fresh\ncontent");
        current.put("unicode ✓.txt", "hällo\n");
        current.put("tab\tname.txt", "T\n");
        current.put("schema.sql", "-- header\nSELECT 2;\n");
        return current;
    }

    @Test
    void appliesBackToTheCurrentTextFiles() {
        Map<String, String> baseline = variedBaseline();
        Map<String, String> current = variedCurrent(baseline);

        assertThat(roundTrip(baseline, current)).isEqualTo(current);
    }

    @Test
    void gitAppliesOurPatchToo() {
        Map<String, String> baseline = variedBaseline();
        Map<String, String> current = variedCurrent(baseline);
        GitRepo repo = new GitRepo(tmp).writeAll(baseline).commit();
        String patch = BaselineDiff.compute("ws", tree(baseline), tree(current)).patch();
        repo.write("../our.patch", patch);

        repo.git("apply", "--whitespace=nowarn", "../our.patch");

        assertThat(repo.texts()).isEqualTo(current);
    }

    @Test
    void randomEditsRoundTrip() {
        Random random = new Random(20261123);
        Map<String, String> baseline = new TreeMap<>();
        Map<String, String> current = new TreeMap<>();
        for (int file = 0; file < 300; file++) {
            List<String> lines = randomLines(random, random.nextInt(40));
            String before = join(lines, random.nextInt(4) == 0);
            List<String> edited = new ArrayList<>(lines);
            int edits = random.nextInt(6);
            for (int e = 0; e < edits; e++) {
                int at = edited.isEmpty() ? 0 : random.nextInt(edited.size() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> edited.addAll(at, randomLines(random, 1 + random.nextInt(3)));
                    case 1 -> {
                        if (at < edited.size()) {
                            edited.remove(at);
                        }
                    }
                    default -> {
                        if (at < edited.size()) {
                            edited.set(at, "changed " + random.nextInt(5));
                        }
                    }
                }
            }
            String after = join(edited, random.nextInt(4) == 0);
            String name = "f" + file + ".txt";
            if (!before.isEmpty() || random.nextBoolean()) {
                baseline.put(name, before);
            }
            if (!after.isEmpty() || random.nextBoolean()) {
                current.put(name, after);
            }
        }

        Map<String, String> result = roundTrip(baseline, current);

        // empty files carry no hunks, so the patch cannot create or delete them; everything else matches
        Map<String, String> expected = new TreeMap<>(current);
        baseline.forEach((path, text) -> {
            if (text.isEmpty() && !current.containsKey(path)) {
                expected.put(path, "");
            }
        });
        current.forEach((path, text) -> {
            if (text.isEmpty() && !baseline.containsKey(path)) {
                expected.remove(path);
            }
        });
        assertThat(result).isEqualTo(expected);
    }

    /** Few distinct lines, so the diff meets many equally good alignments. */
    private static List<String> randomLines(Random random, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(random.nextInt(10) == 0 ? "" : "line " + random.nextInt(6));
        }
        return lines;
    }

    private static String join(List<String> lines, boolean dropFinalNewline) {
        String text = lines.stream().map(l -> l + "\n").collect(Collectors.joining());
        return dropFinalNewline && !text.isEmpty() ? text.substring(0, text.length() - 1) : text;
    }

    @Test
    void aBudgetFallbackPatchStillRoundTrips() {
        // 3,000 changed lines exceed LineDiff's Myers budget: the middle becomes one replaced block
        String before = IntStream.range(0, 3000).mapToObj(i -> "old " + i + "\n").collect(Collectors.joining());
        String after = IntStream.range(0, 3000).mapToObj(i -> (i % 2 == 0 ? "new " : "old ") + i + "\n").collect(Collectors.joining());
        long started = System.nanoTime();
        Map<String, String> result = roundTrip(Map.of("big.txt", before), Map.of("big.txt", after));
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(result).isEqualTo(Map.of("big.txt", after));
        assertThat(BaselineDiff.compute("ws", tree(Map.of("big.txt", before)), tree(Map.of("big.txt", after))).patch())
                .contains("@@ -1,3000 +1,3000 @@");
        System.out.printf("[review] 3,000-line file, 1,500 scattered changes (budget fallback): diffed and re-applied "
                + "in %d ms (first run, JIT cold)%n", millis);
    }
}
