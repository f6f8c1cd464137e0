package dev.pyro.cli.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.test.SandboxTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The use-case smoke pack (spec §13.2) on real gVisor sandboxes: every recipe of
 * {@code docs/use-cases/} through {@code pyro mcp serve} driven by the official TypeScript MCP
 * client, and through the Java SDK. {@code scripts/smoke} runs it with
 * {@code -Dpyro.smoke.scenario=ID|all} and {@code -Dpyro.smoke.drivers=mcp,sdk}.
 */
@SandboxTest
class UseCaseSmokeTest {

    @RegisterExtension
    static final SmokeWork smoke = new SmokeWork("pyro-use-case-smoke-");

    @TestFactory
    Stream<DynamicTest> recipes() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String kind : System.getProperty("pyro.smoke.drivers", "mcp,sdk").split(",")) {
            for (UseCase useCase : selected()) {
                tests.add(DynamicTest.dynamicTest(useCase.id() + " via " + kind,
                        () -> new UseCaseSmokes(smoke.ctx, kind.trim()).run(useCase)));
            }
        }
        return tests.stream();
    }

    @Test
    void everyRecipeHasItsDocAndAnUnknownScenarioIsNamed() throws Exception {
        Path docs = Path.of("..", "docs", "use-cases");
        for (UseCase u : UseCase.values()) {
            String doc = Files.readString(docs.resolve(u.doc()));
            assertThat(doc).as(u.doc()).contains("# " + u.title()).contains("--mode " + u.mode().id())
                    .contains("scripts/smoke " + u.id());
        }
        assertThatThrownBy(() -> UseCase.byId("nope")).hasMessage("unknown use-case scenario 'nope'; expected one "
                + "of: cold-start-validation, repro-fix-loop, parallel-workspaces, untrusted-inspection, review-eval, all");
    }

    private static List<UseCase> selected() {
        String wanted = System.getProperty("pyro.smoke.scenario", "all").trim();
        if (wanted.isEmpty() || wanted.equals("all")) {
            return Arrays.asList(UseCase.values());
        }
        return Arrays.stream(wanted.split(",")).map(String::trim).map(UseCase::byId).toList();
    }
}
