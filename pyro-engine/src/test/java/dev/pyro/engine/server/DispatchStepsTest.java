package dev.pyro.engine.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.protocol.AgentException;
import dev.pyro.protocol.ErrorText;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dispatcher's cross-cutting steps on their own: order, and the texts they produce. No sandbox. */
class DispatchStepsTest {

    private static final DispatchStep.Call CALL = new DispatchStep.Call("status_workspace", null, null);

    @Test
    void stepsRunOutermostFirstAroundTheHandler() {
        List<String> seen = new ArrayList<>();
        DispatchStep a = (call, next) -> {
            seen.add("a in");
            Object r = next.proceed();
            seen.add("a out");
            return r;
        };
        DispatchStep b = (call, next) -> {
            seen.add("b in");
            Object r = next.proceed();
            seen.add("b out");
            return r;
        };
        Object result = DispatchStep.run(List.of(a, b), CALL, () -> {
            seen.add("handler");
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(seen).containsExactly("a in", "b in", "handler", "b out", "a out");
    }

    @Test
    void agentErrorsBecomeTheSandboxCouldNotDoIt() {
        AgentException refused = new AgentException("ENOENT", 2, "no such file: /workspace/x");
        assertThatThrownBy(() -> new AgentErrorTranslation(null).around(CALL, () -> {
            throw refused;
        })).isInstanceOf(PyroException.class)
                .hasMessage("the sandbox could not do it: " + ErrorText.of(refused))
                .extracting(e -> ((PyroException) e).kind()).isEqualTo(PyroException.Kind.RUNTIME);
    }

    @Test
    void redactionWithoutAWorkspacePassesTheErrorThrough() {
        PyroException error = PyroException.invalid("engine request is missing 'command'");
        assertThatThrownBy(() -> new SecretRedaction(null).around(CALL, () -> {
            throw error;
        })).isSameAs(error);
    }

    @Test
    void requiredFieldsNamesTheField() {
        assertThatThrownBy(() -> RequiredFields.required(null, "shell_id"))
                .isInstanceOf(PyroException.class).hasMessage("engine request is missing 'shell_id'");
        assertThat(RequiredFields.required("x", "shell_id")).isEqualTo("x");
    }
}
