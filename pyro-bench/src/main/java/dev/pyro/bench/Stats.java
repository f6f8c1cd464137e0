package dev.pyro.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Min / median / max of repeated timings, in milliseconds. */
record Stats(String name, List<Double> samples) {

    double min() {
        return Collections.min(samples);
    }

    double max() {
        return Collections.max(samples);
    }

    double median() {
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    String row() {
        return String.format("| %-34s | %5d | %9.1f | %9.1f | %9.1f |", name, samples.size(), min(), median(), max());
    }

    static String header() {
        return "| what                               |  runs |  min (ms) |  med (ms) |  max (ms) |\n"
                + "|------------------------------------|-------|-----------|-----------|-----------|";
    }
}
