package dev.pyro.engine.workspace.review;

import dev.pyro.api.workspace.review.DiffSummary;
import dev.pyro.api.workspace.review.DiffPayload;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Times a 1,000-file diff with a few changes, contents in memory. Printed, not asserted. */
class BaselineDiffBenchmarkTest {

    private static final int FILES = 1_000;

    private static String content(int file) {
        return IntStream.range(0, 60).mapToObj(line -> "file " + file + " line " + line + " some typical source text;\n")
                .collect(Collectors.joining());
    }

    @Test
    void diffsAThousandFilesWithAFewChanges() {
        Map<String, TreeEntry> baseline = new HashMap<>();
        Map<String, TreeEntry> current = new HashMap<>();
        Map<String, TreeEntry> baselineHashed = new HashMap<>();
        Map<String, TreeEntry> currentHashed = new HashMap<>();
        for (int i = 0; i < FILES; i++) {
            String path = "src/module" + (i / 50) + "/file" + i + ".txt";
            byte[] before = content(i).getBytes(UTF_8);
            byte[] after = i % 200 == 7 ? content(i).replace("line 30 ", "line thirty ").getBytes(UTF_8) : before.clone();
            baseline.put(path, TreeEntry.file(0644, before));
            current.put(path, TreeEntry.file(0644, after));
            baselineHashed.put(path, TreeEntry.file(0644, before.length, "h" + Arrays.hashCode(before), ContentSource.of(before)));
            currentHashed.put(path, TreeEntry.file(0644, after.length, "h" + Arrays.hashCode(after), ContentSource.of(after)));
        }
        current.remove("src/module3/file150.txt");
        current.put("src/new.txt", TreeEntry.file(0644, "new\n".getBytes(UTF_8)));

        DiffPayload diff = BaselineDiff.compute("ws", baseline, current);
        assertThat(diff.summary()).isEqualTo(new DiffSummary(7, 1, 5, 1, 0, 7, 0));

        long bytesCompared = median(() -> BaselineDiff.compute("ws", baseline, current));
        long hashes = median(() -> BaselineDiff.compute("ws", baselineHashed, currentHashed));
        System.out.printf("[review] %,d-file diff, 5 modified + 1 added + 1 deleted: median %.2f ms comparing bytes, "
                + "%.2f ms with size+hash short-cut%n", FILES, bytesCompared / 1e6, hashes / 1e6);
    }

    private static long median(Runnable run) {
        for (int i = 0; i < 30; i++) {
            run.run(); // warm-up
        }
        long[] times = new long[31];
        for (int i = 0; i < times.length; i++) {
            long started = System.nanoTime();
            run.run();
            times[i] = System.nanoTime() - started;
        }
        Arrays.sort(times);
        return times[times.length / 2];
    }
}
