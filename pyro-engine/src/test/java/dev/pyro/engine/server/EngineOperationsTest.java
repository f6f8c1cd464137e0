package dev.pyro.engine.server;

import dev.pyro.api.OutputListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pyro.api.PyroException;
import dev.pyro.api.engine.EngineInfo;
import dev.pyro.api.engine.Operation;
import dev.pyro.api.engine.Operations;
import dev.pyro.engine.config.PyroPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each operation is declared once (Operations) and handled once (EngineDispatcher); no sandbox needed. */
class EngineOperationsTest {

    @TempDir
    Path dir;

    private EngineServices services() {
        PyroPaths paths = new PyroPaths(dir.resolve("cache"), dir.resolve("state"), dir.resolve("cache/environments"));
        return new EngineServices(paths, new EngineSettings(Duration.ofMinutes(10), 4), EngineLog.discard(),
                () -> new EngineInfo(1, EngineProtocol.VERSION, "test", dir.toString(), 0, 0, 0), () -> { });
    }

    @Test
    void everyOperationHasExactlyOneHandlerAndNothingElseIsServed() {
        try (EngineServices services = services()) {
            List<String> declared = Operations.ALL.stream().map(Operation::name).toList();
            assertThat(services.dispatcher().operations()).containsExactlyInAnyOrderElementsOf(declared);
        }
    }

    @Test
    void wireNamesAreUniqueAndUnchanged() {
        Set<String> names = new HashSet<>();
        for (Operation<?, ?> operation : Operations.ALL) {
            assertThat(names.add(operation.name())).as(operation.name()).isTrue();
            assertThat(operation.name()).matches("[a-z_]+");
        }
        assertThat(Operations.ALL).hasSize(51);
        assertThat(Operations.RUN_IN_VM.name()).isEqualTo("run_in_vm");
        assertThat(Operations.READ_WORKSPACE_DISK.name()).isEqualTo("read_workspace_disk");
    }

    @Test
    void unknownMethodAndMissingFieldKeepTheirTexts() {
        try (EngineServices services = services()) {
            EngineDispatcher dispatcher = services.dispatcher();
            RequestContext context = new RequestContext(EventSink.of(dev.pyro.api.Progress.NONE,
                    dev.pyro.api.OutputListener.NONE), new DisconnectGuard(dispatcher::deleteAbandonedVm));
            assertThatThrownBy(() -> dispatcher.dispatch("no_such_thing", null, context))
                    .isInstanceOf(PyroException.class).hasMessage("unknown engine method 'no_such_thing'");
            assertThatThrownBy(() -> dispatcher.dispatch("status_vm",
                    dev.pyro.api.Json.MAPPER.createObjectNode(), context))
                    .isInstanceOf(PyroException.class).hasMessage("engine request is missing 'vm_id'");
            assertThatThrownBy(() -> dispatcher.dispatch("status_vm", null, context))
                    .isInstanceOf(PyroException.class).hasMessage("engine request needs an object of params");
            assertThat(dispatcher.dispatch("ping", null, context)).isInstanceOf(EngineInfo.class);
        }
    }
}
