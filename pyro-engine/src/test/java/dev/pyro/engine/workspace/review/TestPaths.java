package dev.pyro.engine.workspace.review;

import static dev.pyro.api.PyroException.invalid;

import java.util.ArrayList;
import java.util.List;

/** The spec's §8.1 {@code /workspace} path rule, standing in for the engine's WorkspacePath. */
final class TestPaths {

    private TestPaths() {
    }

    static String normalize(String raw) {
        String path = raw.strip();
        if (path.isEmpty()) {
            throw invalid("workspace path must not be empty");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : (path.startsWith("/") ? path : "/workspace/" + path).split("/")) {
            if (segment.equals("..")) {
                throw invalid("workspace path must stay inside /workspace");
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        String normalized = "/" + String.join("/", segments);
        if (segments.isEmpty() || !segments.getFirst().equals("workspace")) {
            throw invalid("workspace path must stay inside /workspace");
        }
        return normalized;
    }
}
