package dev.pyro.engine.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The workspace core stays in parts without cycles (issue 3/8): the context and the feature
 * services never name the facade or the parts above them, so none of them can call back into
 * lifecycle, commands or recovery. Read from the sources (the engine module's own dir).
 */
class WorkspaceLayeringTest {

    private static final Path MAIN = Path.of("src/main/java/dev/pyro/engine/workspace");
    private static final Pattern ABOVE = Pattern.compile(
            "\\b(WorkspaceManager|WorkspaceLifecycle|WorkspaceCommands|WorkspaceRecovery)\\b");

    @Test
    void contextAndFeatureServicesNeverNameThePartsAbove() throws IOException {
        List<Path> below = new ArrayList<>(List.of(MAIN.resolve("WorkspaceContext.java"),
                MAIN.resolve("WorkspaceSnapshots.java"), MAIN.resolve("WorkspaceFiles.java"),
                MAIN.resolve("WorkspaceSummaries.java")));
        for (String feature : List.of("shell", "service", "disk", "files", "review")) {
            try (Stream<Path> files = Files.walk(MAIN.resolve(feature))) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(below::add);
            }
        }
        List<String> offenders = new ArrayList<>();
        for (Path file : below) {
            String code = Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
            if (ABOVE.matcher(code).find()) {
                offenders.add(MAIN.relativize(file).toString());
            }
        }
        assertThat(below).hasSizeGreaterThan(20);
        assertThat(offenders).as("files below the workspace parts that name them").isEmpty();
    }

    @Test
    void thePartsNeverNameTheFacade() throws IOException {
        for (String part : List.of("WorkspaceLifecycle", "WorkspaceCommands", "WorkspaceRecovery")) {
            String code = Files.readString(MAIN.resolve(part + ".java")).replaceAll("(?s)/\\*.*?\\*/", "");
            assertThat(code).as(part).doesNotContain("WorkspaceManager");
        }
        String commands = Files.readString(MAIN.resolve("WorkspaceCommands.java"));
        assertThat(commands).doesNotContain("WorkspaceLifecycle").doesNotContain("WorkspaceRecovery");
    }
}
