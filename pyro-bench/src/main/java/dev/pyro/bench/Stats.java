package dev.pyro.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Repeated measurements of one thing: min, median, p90, max (ms, or the unit given). */
record Stats(String name, String unit, List<Double> samples) {

    Stats(String name, List<Double> samples) {
        this(name, "ms", samples);
    }

    private List<Double> sorted() {
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        return sorted;
    }

    double min() {
        return sorted().get(0);
    }

    double max() {
        return sorted().get(samples.size() - 1);
    }

    double median() {
        List<Double> s = sorted();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** Nearest-rank 90th percentile. */
    double p90() {
        List<Double> s = sorted();
        return s.get(Math.max(0, (int) Math.ceil(0.9 * s.size()) - 1));
    }

    String row() {
        return String.format(Locale.ROOT, "| %-44s | %4s | %5d | %9.1f | %9.1f | %9.1f | %9.1f |", name, unit,
                samples.size(), min(), median(), p90(), max());
    }

    static String header() {
        return "| what                                         | unit |  runs |       min |    median |       p90 |       max |\n"
                + "|----------------------------------------------|------|-------|-----------|-----------|-----------|-----------|";
    }
}
