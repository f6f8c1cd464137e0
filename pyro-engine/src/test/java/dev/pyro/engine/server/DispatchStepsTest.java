package dev.pyro.engine.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.Json;
import dev.pyro.api.PyroException;
import dev.pyro.api.engine.Operations;
import dev.pyro.protocol.AgentException;
import dev.pyro.protocol.ErrorText;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

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
    void requiredFieldsNamesTheFirstMissingFieldInDeclaredOrder() {
        RequiredFields step = new RequiredFields(List.of(Operations.WRITE_WORKSPACE_FILE));
        ObjectNode params = Json.MAPPER.createObjectNode().put("workspace_id", "0123456789ab");
        params.putNull("path");
        DispatchStep.Call call = new DispatchStep.Call("write_workspace_file", params, null);
        assertThatThrownBy(() -> step.around(call, () -> "handler"))
                .isInstanceOf(PyroException.class).hasMessage("engine request is missing 'path'");
        params.put("path", "a.txt").put("text", "x");
        assertThat(step.around(call, () -> "handler")).isEqualTo("handler");
        // an operation that declares nothing passes through, whatever its params
        assertThat(step.around(new DispatchStep.Call("ping", null, null), () -> "pong")).isEqualTo("pong");
    }

    @Test
    void aDottedFieldReachesIntoAnObject() {
        ObjectNode params = Json.MAPPER.createObjectNode();
        assertThat(RequiredFields.missing(params, "request.environment")).isTrue();
        params.putObject("request");
        assertThat(RequiredFields.missing(params, "request.environment")).isTrue();
        ((ObjectNode) params.get("request")).putNull("environment");
        assertThat(RequiredFields.missing(params, "request.environment")).isTrue();
        ((ObjectNode) params.get("request")).put("environment", "debian:12");
        assertThat(RequiredFields.missing(params, "request.environment")).isFalse();
        assertThat(RequiredFields.missing(params, "request")).isFalse();
    }

    @Test
    void theGuardStopsWatchingWhenTheRequestEndsEitherWay() {
        List<String> deleted = new ArrayList<>();
        DisconnectGuard guard = new DisconnectGuard((id, reason) -> deleted.add(id + " " + reason));
        DispatchStep.Call call = new DispatchStep.Call("exec_vm", null, new RequestContext(null, guard));
        assertThatThrownBy(() -> new DisconnectGuardScope().around(call, () -> {
            guard.protect("abcdef012345", "post_exec_cleanup");
            throw PyroException.invalid("refused");
        })).hasMessage("refused");
        guard.clientGone(); // every client leaves after its answer
        assertThat(deleted).isEmpty();

        DisconnectGuard open = new DisconnectGuard((id, reason) -> deleted.add(id + " " + reason));
        open.protect("abcdef012345", "post_exec_cleanup");
        open.clientGone(); // gone mid-request: the VM goes with it
        assertThat(deleted).containsExactly("abcdef012345 post_exec_cleanup");
    }
}
