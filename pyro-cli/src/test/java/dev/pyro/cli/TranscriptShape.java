package dev.pyro.cli;

import java.util.List;
import java.util.Objects;

/**
 * Whether a real run still prints what a doc's console transcript shows. Values differ from run to
 * run and machine to machine (ids, durations, versions), so only each line's label is compared:
 * its text up to the first {@code :} or {@code =}, with ids and numbers blanked out.
 */
final class TranscriptShape {

    private TranscriptShape() {
    }

    /** The labels of {@code transcript} lines that {@code actual} (stdout and stderr) no longer has. */
    static List<String> missing(List<String> transcript, String actual) {
        String printed = normalize(actual);
        return transcript.stream().map(TranscriptShape::label).filter(Objects::nonNull)
                .filter(label -> !printed.contains(normalize(label))).toList();
    }

    private static String label(String line) {
        String s = line.strip();
        int colon = s.indexOf(':');
        int equals = s.indexOf('=');
        int end = colon < 0 ? equals : equals < 0 ? colon : Math.min(colon, equals);
        return end <= 0 ? null : s.substring(0, end + 1);
    }

    private static String normalize(String s) {
        return s.replaceAll("\\b[0-9a-f]{12}\\b", "ID").replaceAll("\\d+", "N");
    }
}
